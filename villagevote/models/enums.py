"""All enumerations, one place each. Values are stable English codes stored in the database (with CHECK
constraints, see ``base.enum_column``); ``label`` gives the Chinese text shown to users."""
from __future__ import annotations

import enum
import functools

from villagevote import i18n
from villagevote.i18n import tr


class LabeledEnum(str, enum.Enum):
    """A str enum whose members carry a Chinese label."""

    @property
    def label(self) -> str:
        return _labels(i18n.generation())[type(self).__name__][self.value]

    @classmethod
    def from_label(cls, label: str) -> LabeledEnum:
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


# Chinese labels, kept beside the enums as tr() literals; rebuilt when another translator is installed.
@functools.lru_cache(maxsize=4)
def _labels(generation: int) -> dict[str, dict[str, str]]:
    return {
        "Role": {"admin": tr("管理员"), "clerk": tr("录入员"), "reviewer": tr("审核员"), "readonly": tr("只读")},
        "OrgKind": {"party_branch": tr("村党组织"), "village_committee": tr("村民委员会"),
                    "supervision_committee": tr("村务监督委员会"), "coop": tr("股份经济合作社")},
        "Gender": {"male": tr("男"), "female": tr("女")},
        "Education": {"primary": tr("小学"), "junior": tr("初中"), "senior": tr("高中"), "vocational": tr("中专"),
                      "college": tr("大专"), "bachelor": tr("本科"), "postgraduate": tr("研究生")},
        "PoliticalStatus": {"party_member": tr("中共党员"), "probationary": tr("中共预备党员"), "league_member": tr("共青团员"),
                            "masses": tr("群众"), "other_party": tr("民主党派")},
        "RelationKind": {"spouse": tr("配偶"), "parent_child": tr("父母子女"), "sibling": tr("兄弟姐妹"), "near_relative": tr("其他近亲属")},
        "NominationSource": {"self": tr("自荐"), "party_members": tr("党员推荐"), "villagers": tr("群众推荐"), "organization": tr("组织推荐")},
        "CandidacyStatus": {"registered": tr("已登记"), "village_reviewed": tr("村级初审通过"), "township_reviewed": tr("乡镇复审通过"),
                            "county_reviewed": tr("县级联审通过"), "qualified": tr("资格合格"), "advised_withdraw": tr("劝退"),
                            "disqualified": tr("取消资格"), "withdrawn": tr("已退出"), "preliminary": tr("初步人选"),
                            "candidate": tr("正式候选人"), "elected": tr("当选"), "not_elected": tr("未当选")},
        "RuleGrade": {"cannot": tr("不能"), "unsuitable": tr("不宜"), "fallback": tr("兜底")},
        "FindingResult": {"pending": tr("待查"), "clear": tr("无"), "hit": tr("有"), "doubt": tr("存疑")},
        "ReviewStage": {"village": tr("村级初审"), "township": tr("乡镇复审"), "county": tr("县级联审")},
        "ReviewDecision": {"pass": tr("通过"), "fail": tr("不通过"), "advise_withdraw": tr("劝退"), "pending": tr("待定")},
        "PledgeKind": {"discipline": tr("竞职承诺（换届纪律）"), "term_goals": tr("创业承诺（任期目标）"), "resignation": tr("辞职承诺"),
                       "qualification": tr("资格承诺"), "integrity": tr("廉洁承诺")},
        "PledgeStatus": {"draft": tr("草稿"), "reviewed": tr("已审核"), "signed": tr("已签订"), "refused": tr("拒签")},
        "AggregationRule": {"mean": tr("算术平均"), "trimmed_mean": tr("去掉最高最低分后平均")},
        "VoterCategory": {"resident": tr("户籍在村且居住"), "registered_away": tr("户籍在村不居住"),
                          "nonregistered_resident": tr("居住一年以上非户籍")},
        "VoterStatus": {"active": tr("有效"), "deprived": tr("被剥夺政治权利"), "deceased": tr("已死亡"), "moved_out": tr("已迁出"),
                        "removed": tr("已除名")},
        "ObjectionOutcome": {"pending": tr("待处理"), "upheld": tr("成立"), "rejected": tr("不成立")},
        "ContestRound": {"first": tr("正式选举"), "additional": tr("另行选举")},
        "ContestMode": {"with_candidates": tr("有候选人差额选举"), "self_nomination": tr("无候选人自荐直选")},
        "CommitmentStatus": {"registered": tr("已挂号"), "in_progress": tr("推进中"), "reported_done": tr("已报结"), "closed": tr("已销号"),
                             "overdue": tr("逾期"), "kept": tr("已兑现"), "partly_kept": tr("部分兑现"), "broken": tr("未兑现")},
        "EvaluationGrade": {"excellent": tr("优秀"), "satisfied": tr("满意"), "basic": tr("基本满意"), "unsatisfied": tr("不满意")},
        "FlagKind": {"overdue": tr("逾期"), "warning_talk": tr("诫勉谈话"), "resignation_trigger": tr("触发辞职承诺"),
                     "team_adjustment": tr("班子调整")},
    }
