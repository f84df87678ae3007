import {
  casesClosedIndicator,
  casesClosedOnTimeIndicator,
  casesDueIndicator,
  casesRatedIndicator,
  casesReceivedIndicator,
  casesSatisfiedIndicator,
} from './case.indicators';
import type { IndicatorDef } from './indicator.types';
import { factAmountIndicator, householdsIndicator, personsIndicator } from './person.indicators';

/** Every named indicator a form definition may refer to. A new kind of figure is added here. */
export const INDICATORS: ReadonlyMap<string, IndicatorDef<unknown>> = new Map(
  [
    personsIndicator,
    householdsIndicator,
    factAmountIndicator,
    casesReceivedIndicator,
    casesClosedIndicator,
    casesDueIndicator,
    casesClosedOnTimeIndicator,
    casesRatedIndicator,
    casesSatisfiedIndicator,
  ].map((i) => [i.name, i as unknown as IndicatorDef<unknown>]),
);
