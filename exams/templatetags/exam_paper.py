"""The questions of the exam page, built in Python: a thousand candidates open the page within seconds, and the
same markup through the template engine (a node per question, option and label) cost several times more."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _options(q: dict):
    if q["kind"] == "judge":
        return format_html(
            '<label><input type="radio" name="q{}" value="T"> {}</label>\n'
            '<label><input type="radio" name="q{}" value="F"> {}</label>',
            q["id"],
            _("对"),
            q["id"],
            _("错"),
        )
    kind = "checkbox" if q["kind"] == "multiple" else "radio"
    return format_html_join(
        "\n",
        '<label class="option"><input type="{}" name="q{}" value="{}"> {}. {}</label>',
        ((kind, q["id"], letter, letter, text) for letter, text in q["options"]),
    )


@register.simple_tag
def exam_paper(paper: list[dict]):
    """<li> per question of paper_view(): data-item/data-kind (exam.js and the bench read them), the inputs named
    q<item> with the letters the candidate sees."""
    points = _("分")
    return mark_safe(  # noqa: S308 - every piece is escaped by format_html
        "\n".join(
            format_html(
                '<li class="card question" data-item="{}" data-kind="{}">\n'
                '<p><span class="hint">[{} · {}{}]</span> {}</p>\n{}\n<span class="save-state hint"></span>\n</li>',
                q["id"],
                q["kind"],
                q["kind_label"],
                q["points"],
                points,
                q["stem"],
                _options(q),
            )
            for q in paper
        )
    )
