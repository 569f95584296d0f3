"""The question bank in the admin: a question is typed in or edited on a form whose write is question_create /
question_edit (an edit adds a version; papers already drawn keep theirs), its versions are shown read-only, it is
retired by question_retire, and a spreadsheet is imported through QuestionResource: the same checks and messages
as `import_questions` and the web upload. The bank is the user's own (exams.selectors.user_bank)."""

from django import forms
from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin

from exams import rules
from exams.models import KNOWN_TOPICS, Difficulty, Question, QuestionKind, QuestionVersion
from exams.resources import QuestionResource
from exams.selectors import user_bank
from exams.services.bank import QuestionValues, current_values, question_create, question_edit, question_retire
from training.admin.actions import step_action
from training.admin.scoped import ScopedAdminMixin, ServiceAdminMixin, ServiceForm
from training.admin.uploads import SpreadsheetAdminMixin
from training.models import PersonnelClass

OPTION_FIELDS = [f"option_{letter.lower()}" for letter in rules.OPTION_LETTERS]


class QuestionForm(ServiceForm):
    """The fields of a version. Adding calls question_create in the user's bank; saving a change calls
    question_edit (a new version) only when something changed. Both check the import's row rules."""

    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    stem = forms.CharField(label=_("题干"), widget=forms.Textarea(attrs={"rows": 3}))
    # the options sit between the stem and the answer, as in the import template
    option_a, option_b, option_c, option_d, option_e, option_f = (
        forms.CharField(label=format_lazy(_("选项{letter}"), letter=letter), required=False, max_length=500)
        for letter in rules.OPTION_LETTERS
    )
    answer = forms.CharField(
        label=_("答案"), max_length=12, help_text=_("单选填一个字母，如 B；多选填几个字母，如 ACD；判断填 对 或 错")
    )
    topic = forms.CharField(
        label=_("知识点"), max_length=32, help_text=format_lazy("{}{}", _("例如："), "、".join(KNOWN_TOPICS))
    )
    difficulty = forms.ChoiceField(label=_("难度"), choices=Difficulty.choices)
    classes = forms.MultipleChoiceField(
        label=_("适用人员类别"), choices=PersonnelClass.choices, widget=forms.CheckboxSelectMultiple
    )
    explanation = forms.CharField(label=_("解析"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Question
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.current_id:
            v = current_values(self.instance)
            answer = rules.JUDGE_DISPLAY.get(v.answer, v.answer) if v.kind == QuestionKind.JUDGE else v.answer
            initial = {"kind": v.kind, "stem": v.stem, "answer": answer, "topic": v.topic}
            initial |= {"difficulty": v.difficulty, "classes": list(v.classes), "explanation": v.explanation}
            initial |= dict(zip(OPTION_FIELDS, v.options, strict=False))
            for name, value in initial.items():
                self.initial.setdefault(name, value)

    def values(self) -> QuestionValues:
        data = self.cleaned_data
        options = [data.get(name, "").strip() for name in OPTION_FIELDS]
        while options and not options[-1]:
            options.pop()
        return QuestionValues(
            kind=data["kind"],
            stem=data["stem"].strip(),
            options=options,
            answer=rules.normalise_answer(data["kind"], data["answer"]),
            topic=data["topic"].strip(),
            difficulty=data["difficulty"],
            classes="".join(sorted(data["classes"])),
            explanation=data.get("explanation", "").strip(),
        )

    def write(self):
        if self.instance._state.adding:
            return question_create(values=self.values(), **user_bank(self.request.user))
        if self.has_changed():
            question_edit(question=self.instance, values=self.values())
            self.instance.refresh_from_db()
        return self.instance


class VersionInline(admin.TabularInline):
    """Every version, oldest first, read-only: the ones a paper or attempt used stay as they were."""

    model = QuestionVersion
    fields = ["number", "kind", "stem", "options", "answer", "topic", "difficulty", "classes", "created_at"]
    readonly_fields = fields
    ordering = ["number"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("历史版本（只读；已抽到的试卷保留当时的版本）")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("exams.view_question")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ClassFilter(admin.SimpleListFilter):
    title = _("适用人员类别")
    parameter_name = "class"

    def lookups(self, request, model_admin):
        return PersonnelClass.choices

    def queryset(self, request, queryset):
        if self.value() in {str(value) for value, _label in PersonnelClass.choices}:
            return queryset.filter(current__classes__contains=self.value())
        return queryset


class TopicFilter(admin.SimpleListFilter):
    title = _("知识点")
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        topics = model_admin.get_queryset(request).values_list("current__topic", flat=True).distinct()
        return [(t, t) for t in sorted(set(topics) - {None})]

    def queryset(self, request, queryset):
        return queryset.filter(current__topic=self.value()) if self.value() else queryset


def _retire(question, request):
    return question_retire(question=question)


@admin.register(Question)
class QuestionAdmin(SpreadsheetAdminMixin, ServiceAdminMixin, ScopedAdminMixin, ImportMixin, admin.ModelAdmin):
    """`active` is read-only: a question leaves the bank through the retire action (question_retire)."""

    form = QuestionForm
    resource_classes = [QuestionResource]
    skip_admin_log = True
    inlines = [VersionInline]
    list_display = ["stem", "kind", "topic", "difficulty", "class_labels", "bank", "version", "active"]
    list_filter = ["current__kind", TopicFilter, "current__difficulty", ClassFilter, "active"]
    list_select_related = ["current", "provider", "region"]
    search_fields = ["current__stem", "current__topic"]
    readonly_fields = ["bank", "version", "active"]
    actions = [
        step_action(
            name="retire",
            description=_("停用所选试题（已抽到的试卷不受影响）"),
            perform=_retire,
            done=_("已停用"),
            permissions=("change",),
        )
    ]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def has_add_permission(self, request):
        return request.user.has_perm("exams.add_question") and user_bank(request.user) is not None

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.active:
            return False  # a retired question is history
        return request.user.has_perm("exams.change_question")

    def has_delete_permission(self, request, obj=None):
        return False  # papers point at its versions

    def has_import_permission(self, request):
        return request.user.has_perm("exams.import_questions") and user_bank(request.user) is not None

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), **user_bank(request.user)}

    @admin.display(description=_("题干"), ordering="current__stem")
    def stem(self, obj):
        return obj.current.stem[:60] if obj.current_id else ""

    @admin.display(description=_("题型"), ordering="current__kind")
    def kind(self, obj):
        return obj.current.get_kind_display() if obj.current_id else ""

    @admin.display(description=_("知识点"), ordering="current__topic")
    def topic(self, obj):
        return obj.current.topic if obj.current_id else ""

    @admin.display(description=_("难度"), ordering="current__difficulty")
    def difficulty(self, obj):
        return obj.current.get_difficulty_display() if obj.current_id else ""

    @admin.display(description=_("适用人员类别"))
    def class_labels(self, obj):
        codes = obj.current.classes if obj.current_id else ""
        return "、".join(str(PersonnelClass(int(c)).label) for c in codes)

    @admin.display(description=_("题库"))
    def bank(self, obj):
        return obj.provider or obj.region or _("全国题库")

    @admin.display(description=_("当前版本"))
    def version(self, obj):
        return f"v{obj.current.number}" if obj.current_id else ""
