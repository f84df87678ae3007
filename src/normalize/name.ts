/**
 * Person names: cleaning for storage (`normalizeName`) and keys for matching the same person across
 * sources written in traditional and simplified characters (`nameMatchKey`, `namePinyin`).
 */

import { pinyin } from 'pinyin-pro';
import { blank, fail, isBlank, ok, type NormalizeResult } from './result';
import { describeType, toHalfWidth } from './text';

/** Middle-dot look-alikes used in transliterated minority names (阿依古丽·买买提). */
const DOT_VARIANTS = /[・•‧･∙⋅·]/g;
const HAN = '\\p{Script=Han}〇';

/** Cleans a name without judging it: spaces, full-width Latin, middle dots. */
function cleanName(text: string): string {
  return (
    toHalfWidth(text)
      .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
      .replace(DOT_VARIANTS, '·')
      .replace(/\s+/g, ' ')
      .trim()
      // Spaces next to a Chinese character or a middle dot go; one space between Latin words stays.
      .replace(new RegExp(`(?<=[${HAN}·]) | (?=[${HAN}·])`, 'gu'), '')
      // A full stop between Chinese characters is a mistyped middle dot: 阿依古丽.买买提.
      .replace(new RegExp(`(?<=[${HAN}])[.。](?=[${HAN}])`, 'gu'), '·')
      .replace(/·{2,}/g, '·')
      .replace(/^·+|·+$/g, '')
  );
}

/**
 * Normalises a person's name for storage: trims, removes every space inside Chinese text (张 三 →
 * 张三) but keeps one space between Latin words, folds full-width Latin to half-width, and turns the
 * dot variants ・ • ‧ ･ (and a full stop between Chinese characters) into the middle dot ·.
 * Names with digits or stray symbols, or nothing left, are NAME_INVALID; blank input is BLANK.
 * Messages do not repeat the name.
 */
export function normalizeName(raw: unknown): NormalizeResult<string> {
  if (isBlank(raw)) return blank('Name');
  if (typeof raw !== 'string') return fail('NAME_INVALID', `Name must be text, got ${describeType(raw)}`);
  const name = cleanName(raw);
  if (name === '') return fail('NAME_INVALID', 'Name has no letters or characters once cleaned');
  if (/\d/.test(name)) return fail('NAME_INVALID', 'Name contains digits');
  const bad = [...new Set(name.replace(new RegExp(`[\\p{L}\\p{M}${HAN}·' .\\-]`, 'gu'), ''))];
  if (bad.length > 0) {
    return fail(
      'NAME_INVALID',
      `Name contains characters that do not belong in a name: ${bad.map((c) => `"${c}"`).join(' ')}`,
    );
  }
  return ok(name);
}

type ConvertText = (text: string) => string;
let simplifier: ConvertText | undefined;

/** Short texts (names) already converted: a roster repeats the same names many times over. */
const simplifiedCache = new Map<string, string>();
const CACHE_TEXT_MAX = 12;
const CACHE_ENTRIES_MAX = 50_000;

/**
 * Converts traditional Chinese (Hong Kong, Taiwan and standard OpenCC variants) to simplified.
 * The OpenCC converter is built on first use and then reused; short texts are remembered.
 */
export function toSimplifiedChinese(text: string): string {
  if (text.length > CACHE_TEXT_MAX) return convertToSimplified(text);
  const hit = simplifiedCache.get(text);
  if (hit !== undefined) return hit;
  const out = convertToSimplified(text);
  if (simplifiedCache.size >= CACHE_ENTRIES_MAX) simplifiedCache.clear();
  simplifiedCache.set(text, out);
  return out;
}

function convertToSimplified(text: string): string {
  if (!simplifier) {
    // opencc-js ships its types as an ES module, which a CommonJS file cannot import; its CommonJS build is required instead.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const opencc = require('opencc-js/t2cn') as {
      Converter(options: { from: string; to: string }): ConvertText;
    };
    const fromHk = opencc.Converter({ from: 'hk', to: 'cn' });
    const fromTw = opencc.Converter({ from: 'tw', to: 'cn' });
    simplifier = (t) => fromTw(fromHk(t));
  }
  return simplifier(text);
}

/**
 * The key for deciding whether two names are the same: cleaned, in simplified characters, Latin in
 * lower case, without spaces and middle dots. 張三 and 张 三 give the same key. Not for display.
 */
export function nameMatchKey(name: string): string {
  return toSimplifiedChinese(cleanName(name)).replace(/[· ]/g, '').toLowerCase();
}

/**
 * The name's pinyin for fuzzy matching: no tones, lower case, no spaces, ü written v, surnames read
 * as surnames (单 → shan, 曾 → zeng). 張三 → 'zhangsan'.
 */
export function namePinyin(name: string): string {
  const syllables = pinyin(nameMatchKey(name), {
    toneType: 'none',
    type: 'array',
    v: true,
    surname: 'head',
    nonZh: 'consecutive',
  });
  return syllables
    .join('')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}
