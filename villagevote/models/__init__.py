"""ORM models. Importing this package registers every table on ``Base.metadata``."""
from villagevote.models import candidates, core, elections, evaluation, pledges, scoring, statistics, tracking, voters
from villagevote.models.base import Base
from villagevote.models.candidates import (
                                     Candidacy,
                                     DepartmentSignoff,
                                     Finding,
                                     Person,
                                     Relationship,
                                     ReviewStep,
                                     Rule,
                                     RuleSet,
)
from villagevote.models.core import (
                                     AuditLog,
                                     ElectionCycle,
                                     Organization,
                                     Seat,
                                     Setting,
                                     Township,
                                     User,
                                     Village,
                                     VillageGroup,
)
from villagevote.models.elections import (
                                     BallotCandidate,
                                     BallotRecord,
                                     Contest,
                                     ContestPost,
                                     LockEvent,
                                     Result,
                                     TallyEntry,
)
from villagevote.models.evaluation import (
                                     AbsenceRecord,
                                     EvaluationCount,
                                     EvaluationSession,
                                     MeetingAbsence,
                                     MeetingRecord,
)
from villagevote.models.pledges import Pledge, PledgeItem, PledgeReview, PledgeTemplate
from villagevote.models.scoring import (
                                     Rater,
                                     RaterGroup,
                                     Recusal,
                                     Score,
                                     ScoreCriterion,
                                     ScoreDecision,
                                     ScoreScheme,
                                     ScoreSheet,
)
from villagevote.models.statistics import PreviousRosterEntry, ReportSubmission, VillageRepresentative
from villagevote.models.tracking import (
                                     AssessedRole,
                                     Attachment,
                                     Circular,
                                     Commitment,
                                     CommitmentStatusChange,
                                     Consequence,
                                     Evaluation,
                                     Exemption,
                                     Extension,
                                     Flag,
                                     Inspection,
                                     InspectionFinding,
                                     ProgressReport,
                                     RankingSnapshot,
                                     Supervision,
                                     SupervisionUrge,
)
from villagevote.models.voters import Objection, Proxy, Voter

__all__ = [name for name in dir() if name[0].isupper()]
