"""The video-lesson rules (SPEC 三(三): time that was not really watched does not count), as pure functions.

- Seeking ahead of the furthest point watched is blocked (a small slack absorbs player jitter).
- Replays of parts already watched add no time: only seconds beyond the furthest point count.
- Playing faster than real time adds no more than the wall-clock time that passed.
"""

# Player positions reported by a browser jitter by a fraction of a second; this much is never a "seek".
SEEK_SLACK_SECONDS = 2.0


def seek_allowed(*, furthest: float, target: float, slack: float | None = None) -> bool:
    """May the player jump to `target`? Only within what was already watched (plus the slack)."""
    return target <= furthest + (SEEK_SLACK_SECONDS if slack is None else slack)


def progress_gain(*, furthest: float, start: float, end: float, elapsed: float, duration: float) -> float:
    """Seconds of new content watched while the player went from `start` to `end` in `elapsed` wall seconds.

    Only the part beyond `furthest` counts (replays add nothing), never more than `elapsed` (no fast-forward),
    never past the end of the lesson, and never from a jump that skipped unwatched content.
    """
    if end <= start or elapsed <= 0:
        return 0.0
    if not seek_allowed(furthest=furthest, target=start):
        return 0.0
    reached = min(end, start + elapsed + SEEK_SLACK_SECONDS, duration)
    gain = reached - max(start, furthest)
    return max(0.0, min(gain, elapsed))


def lesson_complete(*, furthest: float, duration: float) -> bool:
    """A lesson is complete when its verified furthest point reaches the end (one second of tolerance)."""
    return duration > 0 and furthest >= duration - 1


def lesson_enrollment_error(
    *,
    enrollment_active: bool,
    enrollment_project_id: int,
    trainee_class: int,
    lesson_project_id: int,
    lesson_class: int,
    class_label=str,
) -> str | None:
    """May this enrolment study (and be credited for) a lesson? Only a lesson of the plan of the trainee's own
    personnel class, in the project of their active enrolment (a plan is per project and class).

    `class_label` turns a class number into its name for the message."""
    if not enrollment_active:
        return "该学员的培训项目不在进行中，不能学习或计入学时"
    if lesson_project_id != enrollment_project_id:
        return "该课时不属于学员正在参加的培训项目"
    if lesson_class != trainee_class:
        return (
            f"该课时属于「{class_label(lesson_class)}」的培训计划，"
            f"学员所在类别为「{class_label(trainee_class)}」，不能学习或计入学时"
        )
    return None
