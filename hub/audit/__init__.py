"""The query register: typed events, the hash chain, the group-commit writer, checkpoints, verify,
review queries, anomaly rules and retention. Plain Python over a repository passed in
(hub.store.audit_repo.AuditRepository)."""

from hub.audit.anomalies import Anomaly, AnomalyThresholds, detect, find_anomalies
from hub.audit.cadence import Checkpointer, CheckpointPolicy
from hub.audit.checkpoints import CheckpointSigner
from hub.audit.events import AuditEvent, EventType, Outcome, SubjectDisclosure, query_hash, subject_key
from hub.audit.export import export_csv
from hub.audit.retention import RetentionPolicy, prune
from hub.audit.review import AccessEntry, AuditFilter, AuditRecord, Page, access_log, review
from hub.audit.verify import IntegrityReport, verify_chain
from hub.audit.writer import AuditWriter

__all__ = [
    "AccessEntry", "Anomaly", "AnomalyThresholds", "AuditEvent", "AuditFilter", "AuditRecord", "AuditWriter",
    "CheckpointPolicy", "CheckpointSigner", "Checkpointer", "EventType", "IntegrityReport", "Outcome", "Page",
    "RetentionPolicy", "SubjectDisclosure", "access_log", "detect", "export_csv", "find_anomalies", "prune",
    "query_hash", "review", "subject_key", "verify_chain",
]  # fmt: skip
