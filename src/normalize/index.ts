/** Pure normalisation of messy legacy-spreadsheet values: IDs, dates, phones, genders, names, residence. */

export * from './result';
export * from './text';
export * from './id-number';
export * from './date';
export * from './phone';
export * from './gender';
export * from './name';
export * from './residence';
