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
    EXCUSED = "excused"        # 未兑现·免责: an approved exemption (保护清单) covers it
    WITHDRAWN = "withdrawn"    # 撤销: struck with approval


class Verdict(LabeledEnum):
    """A commitment's verdict, yearly for annual items and at the end of the term (tracking.md A6)."""
    KEPT = "kept"
    PARTLY_KEPT = "partly_kept"
    BROKEN = "broken"
    EXCUSED = "excused"
    WITHDRAWN = "withdrawn"


class CommitmentSource(LabeledEnum):
    PLEDGE = "pledge"              # a reviewed term-goal item of a signed pledge
    ASSIGNED = "assigned"          # 交办
    INSPECTION = "inspection"      # a rectification of an inspection finding
    SPECIAL = "special"            # 专项任务 (剿劣清单)
    PERSONAL_GOAL = "personal_goal"  # 个人工作目标承诺


class CommitmentKind(LabeledEnum):
    METRIC = "metric"        # baseline → target in a unit; progress computed
    MILESTONE = "milestone"  # done or not; progress reported


class AttachmentKind(LabeledEnum):
    PHOTO = "photo"
    ACCEPTANCE = "acceptance"  # 验收单
    MINUTES = "minutes"        # 会议记录
    PATROL = "patrol"          # 巡查记录
    DOCUMENT = "document"      # 文件


class InspectionKind(LabeledEnum):
    MONTHLY = "monthly"          # 月查
    QUARTERLY = "quarterly"      # 季度督察
    UNANNOUNCED = "unannounced"  # 暗访
    ANNOUNCED = "announced"      # 明查
    SPECIAL = "special"          # 专项检查
    UPPER = "upper"              # 上级督查
    UNIT_VISIT = "unit_visit"    # 派出单位检查
    PATROL = "patrol"            # 巡河


class SupervisionLevel(LabeledEnum):
    TOWNSHIP = "township"
    COUNTY = "county"
    CITY = "city"


class SupervisionReason(LabeledEnum):
    KEY = "key"                  # 重点事项
    SLOW = "slow"                # 进度缓慢
    POOR_EFFECT = "poor_effect"  # 效果不理想
    COMPLAINT = "complaint"      # 群众反映
    OVERDUE = "overdue"          # 逾期未完成


class DecisionState(LabeledEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ExemptionCategory(LabeledEnum):
    """保护清单: the three cases of the Shenzhen special assessment, plus force majeure."""
    EXTERNAL = "external"        # 敢啃硬骨头但受外部因素影响未达预期
    EXPLORATION = "exploration"  # 探索创新、先行先试中出现失误
    POLICY = "policy"            # 因政策调整、上级决策变化未完成
    FORCE_MAJEURE = "force_majeure"  # 不可抗力


class AssessedRoleKind(LabeledEnum):
    ELECTED = "elected"          # 当选村干部
    ECO_INSTRUCTOR = "eco_instructor"  # 生态指导员 / 剿劣督导员
    RIVER_CHIEF = "river_chief"  # 河长
    LIAISON = "liaison"          # 联村干部


class ConsequenceState(LabeledEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    EXECUTED = "executed"
    WAIVED = "waived"


class ResignationOutcome(LabeledEnum):
    RESIGNED = "resigned"
    REFUSED = "refused"


class EvaluationKind(LabeledEnum):
    PEOPLE = "people"        # 村述民评
    TOWNSHIP = "township"    # 村述镇评
    MID_TERM = "mid_term"    # 届中评估
    END_TERM = "end_term"    # 届末考评
    SPECIAL = "special"      # 专题述职


class MeetingKind(LabeledEnum):
    REPRESENTATIVES = "representatives"  # 村民代表会议
    VILLAGERS = "villagers"              # 村民会议
    PARTY = "party"                      # 党员大会
    TOWNSHIP_PANEL = "township_panel"    # 乡镇评议组
    COMMITTEES = "committees"            # 两委联席会议


class EvaluationGrade(LabeledEnum):
    EXCELLENT = "excellent"
    SATISFIED = "satisfied"
    BASIC = "basic"
    UNSATISFIED = "unsatisfied"


class FlagKind(LabeledEnum):
    """Consequence kinds (a ``flag`` row is a proposed, confirmed, executed or waived consequence)."""
    OVERDUE = "overdue"
    WARNING_TALK = "warning_talk"
    RESIGNATION_TRIGGER = "resignation_trigger"
    TEAM_ADJUSTMENT = "team_adjustment"
    REMINDER_TALK = "reminder_talk"
    INQUIRY = "inquiry"
    INTERVIEW = "interview"
    TERMINATION = "termination"
    RECALL = "recall"
    COMMENDATION = "commendation"
    PUBLIC_NOTICE = "public_notice"
    ALERT = "alert"


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
                             "overdue": tr("逾期"), "kept": tr("已兑现"), "partly_kept": tr("部分兑现"), "broken": tr("未兑现"),
                             "excused": tr("未兑现·免责"), "withdrawn": tr("撤销")},
        "Verdict": {"kept": tr("已兑现"), "partly_kept": tr("部分兑现"), "broken": tr("未兑现"), "excused": tr("未兑现·免责"),
                    "withdrawn": tr("撤销")},
        "CommitmentSource": {"pledge": tr("竞职承诺"), "assigned": tr("交办事项"), "inspection": tr("检查整改"),
                             "special": tr("专项任务"), "personal_goal": tr("个人工作目标承诺")},
        "CommitmentKind": {"metric": tr("指标类"), "milestone": tr("节点类")},
        "AttachmentKind": {"photo": tr("照片"), "acceptance": tr("验收单"), "minutes": tr("会议记录"), "patrol": tr("巡查记录"),
                           "document": tr("文件")},
        "InspectionKind": {"monthly": tr("月查"), "quarterly": tr("季度督察"), "unannounced": tr("暗访"), "announced": tr("明查"),
                           "special": tr("专项检查"), "upper": tr("上级督查"), "unit_visit": tr("派出单位检查"), "patrol": tr("巡河")},
        "SupervisionLevel": {"township": tr("乡镇"), "county": tr("县"), "city": tr("市")},
        "SupervisionReason": {"key": tr("重点事项"), "slow": tr("进度缓慢"), "poor_effect": tr("效果不理想"),
                              "complaint": tr("群众反映"), "overdue": tr("逾期未完成")},
        "DecisionState": {"pending": tr("待审批"), "approved": tr("已批准"), "rejected": tr("不予批准")},
        "ExemptionCategory": {"external": tr("受外部因素影响未达预期"), "exploration": tr("探索创新出现失误"),
                              "policy": tr("政策调整未能完成"), "force_majeure": tr("不可抗力")},
        "AssessedRoleKind": {"elected": tr("当选村干部"), "eco_instructor": tr("生态指导员"), "river_chief": tr("河长"),
                             "liaison": tr("联村干部")},
        "ConsequenceState": {"proposed": tr("建议"), "confirmed": tr("已确认"), "executed": tr("已执行"), "waived": tr("免责")},
        "ResignationOutcome": {"resigned": tr("已辞职"), "refused": tr("拒不辞职")},
        "EvaluationKind": {"people": tr("村述民评"), "township": tr("村述镇评"), "mid_term": tr("届中评估"), "end_term": tr("届末考评"),
                           "special": tr("专题述职")},
        "MeetingKind": {"representatives": tr("村民代表会议"), "villagers": tr("村民会议"), "party": tr("党员大会"),
                        "township_panel": tr("乡镇评议组"), "committees": tr("两委联席会议")},
        "EvaluationGrade": {"excellent": tr("优秀"), "satisfied": tr("满意"), "basic": tr("基本满意"), "unsatisfied": tr("不满意")},
        "FlagKind": {"overdue": tr("逾期"), "warning_talk": tr("诫勉谈话"), "resignation_trigger": tr("触发辞职承诺"),
                     "team_adjustment": tr("班子调整"), "reminder_talk": tr("提醒谈话"), "inquiry": tr("询函"),
                     "interview": tr("约谈"), "termination": tr("职务终止"), "recall": tr("召回"), "commendation": tr("表彰"),
                     "public_notice": tr("通报曝光"), "alert": tr("预警")},
    }
