"""All enumerations, one place each. Values are stable English codes stored in the database (with CHECK
constraints, see ``base.enum_column``); ``label`` gives the Chinese text shown to users."""
from __future__ import annotations

import enum

from villagevote.i18n import tr


class LabeledEnum(str, enum.Enum):
    """A str enum whose members carry a Chinese label."""

    @property
    def label(self) -> str:
        return tr(_LABELS[type(self).__name__][self.value])

    @classmethod
    def from_label(cls, label: str) -> "LabeledEnum":
        for member in cls:
            if member.label == label or member.value == label:
                return member
        raise ValueError(label)


class Role(LabeledEnum):
    ADMIN = "admin"
    CLERK = "clerk"
    REVIEWER = "reviewer"
    READONLY = "readonly"


class OrgKind(LabeledEnum):
    PARTY_BRANCH = "party_branch"
    VILLAGE_COMMITTEE = "village_committee"
    SUPERVISION_COMMITTEE = "supervision_committee"
    COOP = "coop"


class Gender(LabeledEnum):
    MALE = "male"
    FEMALE = "female"


class Education(LabeledEnum):
    PRIMARY = "primary"
    JUNIOR = "junior"
    SENIOR = "senior"
    VOCATIONAL = "vocational"
    COLLEGE = "college"
    BACHELOR = "bachelor"
    POSTGRADUATE = "postgraduate"


class PoliticalStatus(LabeledEnum):
    PARTY_MEMBER = "party_member"
    PROBATIONARY = "probationary"
    LEAGUE_MEMBER = "league_member"
    MASSES = "masses"
    OTHER_PARTY = "other_party"


class RelationKind(LabeledEnum):
    SPOUSE = "spouse"
    PARENT_CHILD = "parent_child"
    SIBLING = "sibling"
    NEAR_RELATIVE = "near_relative"


class NominationSource(LabeledEnum):
    SELF = "self"
    PARTY_MEMBERS = "party_members"
    VILLAGERS = "villagers"
    ORGANIZATION = "organization"


class CandidacyStatus(LabeledEnum):
    REGISTERED = "registered"
    VILLAGE_REVIEWED = "village_reviewed"
    TOWNSHIP_REVIEWED = "township_reviewed"
    COUNTY_REVIEWED = "county_reviewed"
    QUALIFIED = "qualified"
    ADVISED_WITHDRAW = "advised_withdraw"
    DISQUALIFIED = "disqualified"
    WITHDRAWN = "withdrawn"
    PRELIMINARY = "preliminary"
    CANDIDATE = "candidate"
    ELECTED = "elected"
    NOT_ELECTED = "not_elected"


class RuleGrade(LabeledEnum):
    CANNOT = "cannot"
    UNSUITABLE = "unsuitable"
    FALLBACK = "fallback"


class FindingResult(LabeledEnum):
    PENDING = "pending"
    CLEAR = "clear"
    HIT = "hit"
    DOUBT = "doubt"


class ReviewStage(LabeledEnum):
    VILLAGE = "village"
    TOWNSHIP = "township"
    COUNTY = "county"


class ReviewDecision(LabeledEnum):
    PASS = "pass"
    FAIL = "fail"
    ADVISE_WITHDRAW = "advise_withdraw"
    PENDING = "pending"


class PledgeKind(LabeledEnum):
    DISCIPLINE = "discipline"
    TERM_GOALS = "term_goals"
    RESIGNATION = "resignation"
    QUALIFICATION = "qualification"
    INTEGRITY = "integrity"


class PledgeStatus(LabeledEnum):
    DRAFT = "draft"
    REVIEWED = "reviewed"
    SIGNED = "signed"
    REFUSED = "refused"


class AggregationRule(LabeledEnum):
    MEAN = "mean"
    TRIMMED_MEAN = "trimmed_mean"


class VoterCategory(LabeledEnum):
    RESIDENT = "resident"
    REGISTERED_AWAY = "registered_away"
    NONREGISTERED_RESIDENT = "nonregistered_resident"


class VoterStatus(LabeledEnum):
    ACTIVE = "active"
    DEPRIVED = "deprived"
    DECEASED = "deceased"
    MOVED_OUT = "moved_out"
    REMOVED = "removed"


class ObjectionOutcome(LabeledEnum):
    PENDING = "pending"
    UPHELD = "upheld"
    REJECTED = "rejected"


class ContestRound(LabeledEnum):
    FIRST = "first"
    ADDITIONAL = "additional"


class ContestMode(LabeledEnum):
    WITH_CANDIDATES = "with_candidates"
    SELF_NOMINATION = "self_nomination"


class CommitmentStatus(LabeledEnum):
    REGISTERED = "registered"
    IN_PROGRESS = "in_progress"
    REPORTED_DONE = "reported_done"
    CLOSED = "closed"
    OVERDUE = "overdue"
    KEPT = "kept"
    PARTLY_KEPT = "partly_kept"
    BROKEN = "broken"


class EvaluationGrade(LabeledEnum):
    EXCELLENT = "excellent"
    SATISFIED = "satisfied"
    BASIC = "basic"
    UNSATISFIED = "unsatisfied"


class FlagKind(LabeledEnum):
    OVERDUE = "overdue"
    WARNING_TALK = "warning_talk"
    RESIGNATION_TRIGGER = "resignation_trigger"
    TEAM_ADJUSTMENT = "team_adjustment"


# Chinese labels, kept beside the enums; every literal goes through tr() at lookup time.
_LABELS: dict[str, dict[str, str]] = {
    "Role": {"admin": "管理员", "clerk": "录入员", "reviewer": "审核员", "readonly": "只读"},
    "OrgKind": {"party_branch": "村党组织", "village_committee": "村民委员会",
                "supervision_committee": "村务监督委员会", "coop": "股份经济合作社"},
    "Gender": {"male": "男", "female": "女"},
    "Education": {"primary": "小学", "junior": "初中", "senior": "高中", "vocational": "中专",
                  "college": "大专", "bachelor": "本科", "postgraduate": "研究生"},
    "PoliticalStatus": {"party_member": "中共党员", "probationary": "中共预备党员", "league_member": "共青团员",
                        "masses": "群众", "other_party": "民主党派"},
    "RelationKind": {"spouse": "配偶", "parent_child": "父母子女", "sibling": "兄弟姐妹", "near_relative": "其他近亲属"},
    "NominationSource": {"self": "自荐", "party_members": "党员推荐", "villagers": "群众推荐", "organization": "组织推荐"},
    "CandidacyStatus": {"registered": "已登记", "village_reviewed": "村级初审通过", "township_reviewed": "乡镇复审通过",
                        "county_reviewed": "县级联审通过", "qualified": "资格合格", "advised_withdraw": "劝退",
                        "disqualified": "取消资格", "withdrawn": "已退出", "preliminary": "初步人选",
                        "candidate": "正式候选人", "elected": "当选", "not_elected": "未当选"},
    "RuleGrade": {"cannot": "不能", "unsuitable": "不宜", "fallback": "兜底"},
    "FindingResult": {"pending": "待查", "clear": "无", "hit": "有", "doubt": "存疑"},
    "ReviewStage": {"village": "村级初审", "township": "乡镇复审", "county": "县级联审"},
    "ReviewDecision": {"pass": "通过", "fail": "不通过", "advise_withdraw": "劝退", "pending": "待定"},
    "PledgeKind": {"discipline": "竞职承诺（换届纪律）", "term_goals": "创业承诺（任期目标）", "resignation": "辞职承诺",
                   "qualification": "资格承诺", "integrity": "廉洁承诺"},
    "PledgeStatus": {"draft": "草稿", "reviewed": "已审核", "signed": "已签订", "refused": "拒签"},
    "AggregationRule": {"mean": "算术平均", "trimmed_mean": "去掉最高最低分后平均"},
    "VoterCategory": {"resident": "户籍在村且居住", "registered_away": "户籍在村不居住",
                      "nonregistered_resident": "居住一年以上非户籍"},
    "VoterStatus": {"active": "有效", "deprived": "被剥夺政治权利", "deceased": "已死亡", "moved_out": "已迁出",
                    "removed": "已除名"},
    "ObjectionOutcome": {"pending": "待处理", "upheld": "成立", "rejected": "不成立"},
    "ContestRound": {"first": "正式选举", "additional": "另行选举"},
    "ContestMode": {"with_candidates": "有候选人差额选举", "self_nomination": "无候选人自荐直选"},
    "CommitmentStatus": {"registered": "已挂号", "in_progress": "推进中", "reported_done": "已报结", "closed": "已销号",
                         "overdue": "逾期", "kept": "已兑现", "partly_kept": "部分兑现", "broken": "未兑现"},
    "EvaluationGrade": {"excellent": "优秀", "satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"},
    "FlagKind": {"overdue": "逾期", "warning_talk": "诫勉谈话", "resignation_trigger": "触发辞职承诺",
                 "team_adjustment": "班子调整"},
}
