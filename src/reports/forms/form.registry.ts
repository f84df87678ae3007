import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../config/paths';
import { AppError } from '../../errors/app-error';
import { INDICATORS } from '../indicators/indicator.registry';
import { formDefinition, FormDefinition } from './form.schema';

/** Where the shipped form definitions live (one `<id>.form.json` per form). */
export const FORMS_DIR = path.join(repoRoot(), 'src', 'reports', 'forms');

/**
 * Checks one definition: its shape, that every indicator exists and accepts the column's
 * arguments, that ratio columns name indicator columns, and that keys are unique. Every problem is
 * reported at once, naming the file and the column.
 */
export function validateForm(raw: unknown, where: string): FormDefinition {
  const parsed = formDefinition.safeParse(raw);
  if (!parsed.success) {
    const list = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AppError('FORM_DEFINITION_INVALID', `${where}: ${list.join('; ')}`);
  }
  const form = parsed.data;
  const problems: string[] = [];
  const keys = new Set<string>();
  for (const [i, c] of form.columns.entries()) {
    if (keys.has(c.key)) problems.push(`columns.${i}: key ${c.key} is used twice`);
    keys.add(c.key);
    if ('indicator' in c) {
      const ind = INDICATORS.get(c.indicator);
      if (!ind) problems.push(`columns.${i} (${c.key}): no indicator is named ${c.indicator}`);
      else {
        const args = ind.args.safeParse(c.args);
        if (!args.success)
          problems.push(
            `columns.${i} (${c.key}): ${args.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join(', ')}`,
          );
      }
    }
  }
  for (const [i, c] of form.columns.entries()) {
    if (!('ratio' in c)) continue;
    for (const ref of [c.ratio.numerator, c.ratio.denominator]) {
      const target = form.columns.find((x) => x.key === ref);
      if (!target || !('indicator' in target))
        problems.push(`columns.${i} (${c.key}): ${ref} is not an indicator column of this form`);
    }
  }
  if (problems.length) throw new AppError('FORM_DEFINITION_INVALID', `${where}: ${problems.join('; ')}`);
  return form;
}

/** Loads and validates every form definition in a folder, sorted by id. */
export function loadForms(dir = FORMS_DIR): FormDefinition[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.form.json'));
  const forms = files.map((f) => {
    const file = path.join(dir, f);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new AppError('FORM_DEFINITION_INVALID', `${f}: not valid JSON (${(e as Error).message})`);
    }
    const form = validateForm(raw, f);
    if (`${form.id}.form.json` !== f)
      throw new AppError('FORM_DEFINITION_INVALID', `${f}: id ${form.id} does not match the file name`);
    return form;
  });
  return forms.sort((a, b) => a.id.localeCompare(b.id));
}

/** The shipped forms, loaded once per process. */
export class FormRegistry {
  private readonly byId: Map<string, FormDefinition>;

  constructor(forms: FormDefinition[] = loadForms()) {
    this.byId = new Map(forms.map((f) => [f.id, f]));
  }

  /** Every form, sorted by id. */
  list(): FormDefinition[] {
    return [...this.byId.values()];
  }

  /** One form; an unknown id is the caller's error naming `field`. */
  get(id: string, field = 'form'): FormDefinition {
    const form = this.byId.get(id);
    if (!form)
      throw new AppError(
        'FORM_UNKNOWN',
        `no form is named "${id.slice(0, 40)}"; known forms: ${[...this.byId.keys()].join(', ')}`,
        field,
      );
    return form;
  }
}
