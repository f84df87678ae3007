/**
 * Every GraphQL document the console sends to the API (the ledger, territory, sign-in, cases,
 * reports and subscriptions), in one place, so that a test can validate each one against the
 * committed schema (schema/schema.graphql) and catch a breaking API change before a page does.
 * Only the ingest page, written for operations still being added, builds its documents from
 * introspection instead.
 */

/** The roots of the territory tree. */
export const ROOT_AREAS = '{ areas { code } }';

/** The whole territory under a root, flat. */
export const AREAS_UNDER = 'query ($u: String!) { areas(under: $u) { code name level parent { code } } }';

/** The figures the dashboard shows for an area and for each of its children. */
export const AREA_FIGURES = `fragment AreaFiguresFields on AreaFigures {
  area { code name } persons registered floating elderly minimumLiving cases closedCases
  casesByStatus { status count } }`;

/** The case KPI figures the dashboard shows (caseKpis). */
const KPI_FIELDS =
  'received filed due closed closedOnTime completionRate onTimeRate rated satisfied satisfactionRate meanRating meanHandlingWorkingDays';

/**
 * All dashboard figures for an area in one request from the API's aggregate (`areaStatistics`:
 * two statements on the server, however many children): population (total, 户籍, 流动, 60+, 低保),
 * cases per status, and per child area its population by residence type, its cases and its closed
 * cases. With `kpis`, also the case assessment figures of the area for [$from, $to) (`caseKpis`:
 * received, due, closed, completion and on-time rates, satisfaction).
 */
export function dashboardQuery(kpis = false): string {
  return `query ($code: String!${kpis ? ', $from: DateTime!, $to: DateTime!' : ''}) {
    areaStatistics(areaCode: $code) { day total { ...AreaFiguresFields } children { ...AreaFiguresFields } }
    ${kpis ? `caseKpis(areaCode: $code, from: $from, to: $to) { ${KPI_FIELDS} }` : ''}
  }
  ${AREA_FIGURES}`;
}

/** Any ledger change in an area (the dashboard refreshes on it). */
export const AREA_CHANGED = 'subscription ($a: String) { recordChanged(areaCode: $a) { id } }';

/** Markers per layer on the map; the map says so when a layer is cut. */
export const MAP_MARKERS = 200;

/**
 * The map of an area: its boundary and its children's, houses, cases and things as markers
 * (status for colour), and the population of each child for the shading (from `areaStatistics`).
 * `$status` narrows the case markers (the dashboard's status chart drills into it).
 */
export const MAP_QUERY = `query ($code: String!, $status: CaseStatus) {
    area(code: $code) { code name level boundary children { code name level boundary } }
    houses(first: ${MAP_MARKERS}, filter: { areaCode: $code }) { edges { node { id address use location } } }
    cases(first: ${MAP_MARKERS}, filter: { areaCode: $code, status: $status }) { edges { node { id description status location } } }
    things(first: ${MAP_MARKERS}, filter: { areaCode: $code }) { edges { node { id name status location } } }
    areaStatistics(areaCode: $code) { children { area { code } persons } }
  }`;

/** Every ledger change, as it commits; `types` null means all record types. */
export const RECORD_CHANGED =
  'subscription ($a: String, $t: [String!]) { recordChanged(areaCode: $a, types: $t) { id type op fields areaCode recordedAt } }';

/** A one-line description of any record the live feed shows. */
export const NODE_SUMMARY = `query ($id: ID!) { node(id: $id) { __typename
  ... on Person { name }
  ... on Household { householdNumber }
  ... on House { address }
  ... on Thing { name category }
  ... on Case { description status categoryCode }
  ... on Fact { kind } } }`;

/** One page of an area's residents. */
export const PERSONS_PAGE = `query ($a: String!, $after: String) { persons(first: 50, after: $after, filter: { areaCode: $a }) {
  totalCount pageInfo { endCursor hasNextPage }
  edges { node { id name gender age idNumber residenceType area { name } } } } }`;

/** A resident by citizen ID number. */
export const PERSON_BY_ID_NUMBER = 'query ($n: String!) { person(idNumber: $n) { id } }';

const SOURCE = 'kind departmentCode fileName sheet rowNumber receivedAt actor';

/**
 * One resident with sources, conflicts, facts, household, house and history, now or as of an
 * instant. `purposeArg` names the argument by which the caller states why it needs unmasked
 * identity numbers, when the server has one (the access-control module); it is left out otherwise.
 */
export function personQuery(purposeArg?: { name: string; type: string }): string {
  const def = purposeArg ? `, $purpose: ${purposeArg.type}!` : '';
  const arg = purposeArg ? `, ${purposeArg.name}: $purpose` : '';
  return `query ($id: ID!, $asOf: DateTime${def}) { person(id: $id, asOf: $asOf${arg}) {${PERSON_FIELDS}} }`;
}

const PERSON_FIELDS = `
  id name idNumber gender birthDate age ethnicity phone residenceType status relationToHead version createdAt updatedAt asOf
  area { code name ancestors { code name } }
  sources { field source { ${SOURCE} } }
  conflicts { id field chosenValue otherValue status createdAt decision }
  facts { id kind departmentCode validFrom validTo status attributes }
  household { householdNumber head { name } members { id name relationToHead } }
  house { address use floors area { name } }
  history { id op recordedAt actor fields { field oldValue newValue } }
`;

/** The resident query against today's API (no purpose argument). */
export const PERSON_QUERY = personQuery();

/** Sign-in: an access token for every request, a refresh token to renew it once it expires. */
export const LOGIN = `mutation ($name: String!, $password: String!) { login(name: $name, password: $password) {
  accessToken accessTokenExpiresAt refreshToken } }`;

/** Exchanges a refresh token (used up) for a new session. */
export const REFRESH_SESSION = `mutation ($t: String!) { refreshSession(refreshToken: $t) {
  accessToken accessTokenExpiresAt refreshToken } }`;

/**
 * Every workflow step of the cases of an area subtree, live; `after` is the last sequence number
 * seen, so that after a reconnect the server replays what was missed first.
 */
export const CASE_UPDATED = `subscription ($a: String!, $after: Int) { caseUpdated(areaCode: $a, after: $after) {
  seq caseId action fromStatus toStatus areaCode recordedAt } }`;

/** The statistical forms the ledger can generate. */
export const FORMS = '{ forms { id title tableCode periodType rowLevel unit } }';

const REPORT_FIELDS = 'id formId period areaCode status asOf createdAt finishedAt error downloadUrl';

/** Requests a form for a period and area; a worker generates it. */
export const GENERATE_REPORT = `mutation ($form: String!, $period: String!, $area: String!) {
  generateReport(form: $form, period: $period, areaCode: $area) { ${REPORT_FIELDS} } }`;

/** One report: where generation stands and, when DONE, the download path. */
export const REPORT = `query ($id: ID!) { report(id: $id) { ${REPORT_FIELDS} } }`;

/** Fires once when the report is DONE or FAILED. */
export const REPORT_FINISHED = `subscription ($id: ID!) { reportFinished(id: $id) { ${REPORT_FIELDS} } }`;

const INGEST_RUN_FIELDS = `id fileName profile department status rowsTotal processed landed skipped rejected unchanged
  personsCreated personsMatched conflicts reviewItems errorReason errorMessage createdAt finishedAt layout rejectsUrl`;

/** One ingest run with its counts, the detected layout and column mapping, and the rejects path. */
export const INGEST_RUN = `query ($id: ID!) { ingestRun(id: $id) { ${INGEST_RUN_FIELDS} } }`;

/** The latest ingest runs in the viewer's scope, newest first. */
export const INGEST_RUNS = `{ ingestRuns(first: 20) { id fileName profile status rowsTotal landed skipped rejected createdAt rejectsUrl } }`;

/** The review queue (待核实) in the viewer's scope (or one run's part of it), oldest first; values masked. */
export const REVIEW_QUEUE = `query ($runId: ID) { reviewQueueCount(runId: $runId) reviewQueue(first: 50, runId: $runId) {
  id kind person candidate field chosenValue otherValue score explanation createdAt
  source { kind departmentCode actor fileName sheet rowNumber }
  chosenSource { kind departmentCode actor fileName sheet rowNumber } } }`;

/** Answers one item of the review queue. */
export const RESOLVE_REVIEW_ITEM = `mutation ($id: ID!, $decision: ReviewDecision!, $note: String) {
  resolveReviewItem(id: $id, decision: $decision, note: $note) { id decision resolvedBy resolvedAt mergeId } }`;

/** Progress of one run after each committed batch and when it ends. */
export const INGEST_PROGRESS = `subscription ($id: ID!) { ingestProgress(runId: $id) {
  runId status total processed landed skipped rejected } }`;
