import { nameMatchKey } from '../../normalize';

/** An existing person who shares a record's name and birth date and has no ID number. */
export interface Candidate {
  id: number;
  name: string;
  birthDate: string;
  gender: string | null;
  householdId: number | null;
  householdNumber: string | null;
  houseId: number | null;
  address: string | null;
}

/** What a record without a usable ID number offers for matching. */
export interface MatchInput {
  name: string;
  birthDate: string;
  gender: string | null;
  householdNumber: string | null;
  address: string | null;
  /** Where the record's guardian lives, when the guardian is known by ID number. */
  guardian: { householdId: number | null; houseId: number | null } | null;
}

/** The score at or above which a record joins an existing person. */
export const MATCH_THRESHOLD = 80;

const WEIGHTS = { nameBirth: 50, household: 40, guardian: 35, address: 30, gender: 5, genderDiffers: -40 };
const LABEL: Record<string, string> = {
  name: '姓名',
  birthDate: '出生日期',
  householdNumber: '户号',
  guardian: '监护人住户',
  address: '住址',
  gender: '性别',
};

/** A scored candidate: 0..100 and the fields that agreed. */
export interface Scored {
  candidate: Candidate;
  score: number;
  agreed: string[];
}

/**
 * Scores a candidate: name and birth date (required to be a candidate at all) give 50; the same
 * household number 40, a guardian living in the candidate's household or house 35, the same
 * address 30, the same gender 5; a different gender takes 40 away. So name + birth date alone
 * (two different people can share them) stay below the threshold, and any one piece of household
 * context lifts a match above it.
 */
export function scoreCandidate(input: MatchInput, c: Candidate): Scored {
  const agreed = ['name', 'birthDate'];
  let score = WEIGHTS.nameBirth;
  if (input.householdNumber && c.householdNumber === input.householdNumber) {
    score += WEIGHTS.household;
    agreed.push('householdNumber');
  }
  const g = input.guardian;
  if (
    g &&
    ((g.householdId !== null && g.householdId === c.householdId) ||
      (g.houseId !== null && g.houseId === c.houseId))
  ) {
    score += WEIGHTS.guardian;
    agreed.push('guardian');
  }
  if (input.address && c.address === input.address) {
    score += WEIGHTS.address;
    agreed.push('address');
  }
  if (input.gender && c.gender) {
    if (input.gender === c.gender) {
      score += WEIGHTS.gender;
      agreed.push('gender');
    } else score += WEIGHTS.genderDiffers;
  }
  return { candidate: c, score: Math.max(0, Math.min(100, score)), agreed };
}

/** The outcome of matching one record. */
export type MatchOutcome =
  | { kind: 'MATCH'; best: Scored; explanation: string }
  | { kind: 'NEW'; best: Scored | null; ambiguous: boolean; explanation: string };

/** Explains a score in the words staff use. */
export function explain(s: Scored): string {
  return `${s.agreed.map((a) => LABEL[a] ?? a).join('、')}一致（得分 ${s.score}）`;
}

/** The outcome when no one has the record's name and birth date (shared: outcomes are not changed). */
export const NO_CANDIDATES: MatchOutcome = Object.freeze({
  kind: 'NEW',
  best: null,
  ambiguous: false,
  explanation: '无同名同生日人员',
});

/**
 * Picks the person a record without an ID number belongs to. Exactly one candidate at or above
 * the threshold is a match; none, or more than one (ambiguous), makes a new person whose best
 * candidate goes to the review queue.
 */
export function decideMatch(input: MatchInput, candidates: readonly Candidate[]): MatchOutcome {
  if (candidates.length === 0) return NO_CANDIDATES;
  const key = nameMatchKey(input.name);
  const scored = candidates
    .filter((c) => c.birthDate === input.birthDate && nameMatchKey(c.name) === key)
    .map((c) => scoreCandidate(input, c))
    .sort((a, b) => b.score - a.score || a.candidate.id - b.candidate.id);
  const above = scored.filter((s) => s.score >= MATCH_THRESHOLD);
  if (above.length === 1) return { kind: 'MATCH', best: above[0], explanation: explain(above[0]) };
  if (above.length > 1) {
    return {
      kind: 'NEW',
      best: above[0],
      ambiguous: true,
      explanation: `${above.length} 人同时符合：${explain(above[0])}`,
    };
  }
  const best = scored[0] ?? null;
  if (!best) return NO_CANDIDATES;
  return {
    kind: 'NEW',
    best,
    ambiguous: false,
    explanation: `低于阈值 ${MATCH_THRESHOLD}：${explain(best)}`,
  };
}
