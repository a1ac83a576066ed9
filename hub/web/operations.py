"""The GraphQL operations the pages send: the public API's names, nothing page-only."""

from __future__ import annotations

GRANT_CONSENT = """
mutation PortalGrantConsent($input: GrantConsentInput!) { grantConsent(input: $input) { id status } }"""

REVOKE_CONSENT = """
mutation PortalRevokeConsent($id: ID!) { revokeConsent(id: $id) { id status } }"""


FILE_OBJECTION = """
mutation PortalFileObjection($input: FileObjectionInput!) { fileObjection(input: $input) { id status } }"""

APPLY_REPAIR = """
mutation PortalApplyCreditRepair($input: CreditRepairInput!) { applyCreditRepair(input: $input) { id status } }"""


AUDIT_ACTIVITY = """
query ConsoleActivity($filter: AuditFilter, $first: Int!, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    edges { node { at type outcome clientId organisation organisationName department purpose } }
    pageInfo { hasNextPage endCursor }
  }
}"""

CONSOLE_ANOMALY = """
query ConsoleAnomaly($id: ID!) {
  auditAnomaly(id: $id) {
    id rule severity description scope windowStart windowEnd eventIds
    review { note reviewer reviewedAt requestId }
    events { eventId at type outcome clientId organisation organisationName department operator purpose
             errorCodes caseNumber subjects { code fieldsClear fieldsMasked fieldsDenied concealment } }
  }
}"""

REVIEW_ANOMALY = """
mutation ConsoleReviewAnomaly($input: ReviewAnomalyInput!) {
  reviewAnomaly(input: $input) { anomalyId note reviewer reviewedAt requestId }
}"""


REPORT_VERIFICATION = """
query ConsoleReport($number: String!) { reportVerification(number: $number) {
  number edition issuedAt sha256 department eventId } }"""


FIND_GRANTEE = """
query PortalFindGrantee($search: String!) { consentGrantees(search: $search, first: 20) { code name } }"""


PORTAL_PAGE = """
query PortalPage($person: Boolean!, $first: Int!, $after: String, $since: DateTime, $until: DateTime,
                 $organisation: String, $yearAgo: DateTime!, $chartFirst: Int!) {
  myRecord {
    code kind name status registeredOn phone address
    legalRepresentative { name idNumber }
    licences { id source decisionNumber title authority decidedOn validUntil rightsStatus rightsStatusOn }
    penalties { id source decisionNumber category authority decidedOn amount decisionText rightsStatus rightsStatusOn }
    listings { id source list reason department listedOn expiresOn status rightsStatus rightsStatusOn }
    courtDishonesty { id source caseNumber court filedOn obligation performance rightsStatus rightsStatusOn }
    taxCredit @skip(if: $person) { id source year grade rightsStatus rightsStatusOn }
    representedEnterprises @include(if: $person) { id source enterpriseName enterpriseCode role }
    sources { name title status }
  }
  myAccessLog(first: $first, after: $after, since: $since, until: $until, organisation: $organisation) {
    edges { node { eventId at organisation organisationCode department departmentTitle purpose
                   items { field title form } } }
    pageInfo { hasNextPage endCursor }
  }
  lookers: myAccessLog(first: $chartFirst, since: $yearAgo) {
    edges { node { at organisation organisationCode } }
  }
  myConsents { id grantee granteeName purpose recordTypes startsAt expiresAt revokedAt status }
  consentGrantees(first: 500) @include(if: $person) { code name }
  myObjections { id itemId recordType source reason status filedAt dueOn dueOnEstimated overdue outcome decisionNote }
  myRepairs { id itemId recordType source status appliedAt dueOn dueOnEstimated overdue decisionNote publishedAt }
}"""

CONSOLE_PAGE = """
query ConsolePage($filter: AuditFilter, $first: Int!, $after: String, $recent: AuditFilter, $recentFirst: Int!) {
  register: auditEvents(filter: $filter, first: $first, after: $after) {
    edges { node { eventId at type outcome clientId organisation organisationName department operator purpose
                   errorCodes caseNumber subjects { code fieldsClear fieldsMasked fieldsDenied concealment } } }
    pageInfo { hasNextPage endCursor }
  }
  activity: auditEvents(filter: $recent, first: $recentFirst) {
    edges { node { at type outcome clientId organisation organisationName department purpose } }
    pageInfo { hasNextPage endCursor }
  }
  auditAnomalies { id rule severity description scope windowStart windowEnd eventIds
                   review { note reviewer reviewedAt } }
  auditIntegrity { verified eventsChecked checkpointsChecked firstBadEventId reason checkedAt }
  measureMonitoring { since until respondWithinDays feedBackWithinDays
    departments { department initiated responded executed fedBack pending overdue } }
  measureCases(first: 10) { id initiatingDepartment implementingDepartment measure stage lagHours dueAt overdue }
}"""
