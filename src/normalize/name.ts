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

const SPACE_BESIDE_HAN = new RegExp(`(?<=[${HAN}·]) | (?=[${HAN}·])`, 'gu');
const STOP_BETWEEN_HAN = new RegExp(`(?<=[${HAN}])[.。](?=[${HAN}])`, 'gu');
/** What a name may hold once cleaned: letters, marks, Chinese characters, middle dot, ' . - and space. */
const NAME_CHARACTERS = new RegExp(`[\\p{L}\\p{M}${HAN}·' .\\-]`, 'gu');
/** A name of Chinese characters only, as most are: cleaning leaves it as it is. */
const HAN_ONLY = new RegExp(`^[${HAN}]+$`, 'u');

/** Cleans a name without judging it: spaces, full-width Latin, middle dots. */
function cleanName(text: string): string {
  if (HAN_ONLY.test(text)) return text;
  return (
    toHalfWidth(text)
      .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
      .replace(DOT_VARIANTS, '·')
      .replace(/\s+/g, ' ')
      .trim()
      // Spaces next to a Chinese character or a middle dot go; one space between Latin words stays.
      .replace(SPACE_BESIDE_HAN, '')
      // A full stop between Chinese characters is a mistyped middle dot: 阿依古丽.买买提.
      .replace(STOP_BETWEEN_HAN, '·')
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
  const bad = [...new Set(name.replace(NAME_CHARACTERS, ''))];
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

/** The OpenCC presets the converter chains: Hong Kong and Taiwan forms, both to mainland simplified. */
const OPENCC_PRESETS = [
  { from: 'hk', to: 'cn', config: 'hk2s' },
  { from: 'tw', to: 'cn', config: 'tw2s' },
] as const;

/** A dictionary as opencc-js ships it: "key value|key value…", or [key, value] pairs. */
type OpenccDict = string | [string, string][];
interface OpenccPreset {
  normalizationChain?: OpenccDict[][];
  conversionChain: OpenccDict[][];
}

/**
 * Every character that starts a key of a dictionary the converters use. A text with none of them
 * is left as it is by every step of the chain (OpenCC replaces only what a key matches), so it is
 * returned without running the converters: most addresses on a mainland roster are such texts,
 * and each is unique, so the short-text cache does not help them. Null when opencc-js does not
 * expose its presets in the expected shape: then every text is converted.
 */
function keyStarts(
  locale: { configs?: Record<string, OpenccPreset | undefined> } | undefined,
): Set<number> | null {
  const starts = new Set<number>();
  for (const { config } of OPENCC_PRESETS) {
    const preset = locale?.configs?.[config];
    if (!preset || !Array.isArray(preset.conversionChain)) return null;
    for (const group of [...(preset.normalizationChain ?? []), ...preset.conversionChain]) {
      for (const dict of group) {
        const keys =
          typeof dict === 'string'
            ? dict.split('|').map((e) => e.slice(0, e.indexOf(' ')))
            : dict.map((e) => e[0]);
        for (const key of keys) if (key) starts.add(key.codePointAt(0)!);
      }
    }
  }
  return starts;
}

let convertible: Set<number> | null = null;

function convertToSimplified(text: string): string {
  if (!simplifier) {
    // opencc-js ships its types as an ES module, which a CommonJS file cannot import; its CommonJS build is required instead.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const opencc = require('opencc-js/t2cn') as {
      Converter(options: { from: string; to: string }): ConvertText;
      Locale?: { configs?: Record<string, OpenccPreset | undefined> };
    };
    const [hk, tw] = OPENCC_PRESETS.map((p) => opencc.Converter({ from: p.from, to: p.to }));
    simplifier = (t) => tw(hk(t));
    convertible = keyStarts(opencc.Locale);
  }
  if (convertible && !mayConvert(text, convertible)) return text;
  return simplifier(text);
}

function mayConvert(text: string, starts: Set<number>): boolean {
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (starts.has(cp)) return true;
  }
  return false;
}

/** Converts with the full OpenCC chain, without the shortcut (tests compare the two). */
export function toSimplifiedChineseUnfiltered(text: string): string {
  convertToSimplified('');
  return simplifier!(text);
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
