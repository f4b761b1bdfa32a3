import unhomoglyph from 'unhomoglyph';

/**
 * Look-alike names (issue 13): Unicode's confusable skeletons (UTS #39 §4, with the confusables.txt mapping that
 * the `unhomoglyph` package carries), invisible characters, and the scripts a name's letters come from.
 */

/** Invisible code points: zero-width characters, joiners, bidi controls, Hangul fillers, variation selectors, tags. */
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * Latin small capitals that confusables.txt leaves unmapped (UTS #39 keeps them out of identifiers through
 * their Identifier_Status instead): folded to their letter so that a display name cannot spell "ᴀᴅᴍɪɴ".
 */
const SMALL_CAPITALS: Record<string, string> = {
  ᴀ: 'a',
  ʙ: 'b',
  ᴅ: 'd',
  ᴇ: 'e',
  ꜰ: 'f',
  ɢ: 'g',
  ʜ: 'h',
  ᴊ: 'j',
  ᴋ: 'k',
  ʟ: 'l',
  ᴍ: 'm',
  ɴ: 'n',
  ᴘ: 'p',
  'ꞯ': 'q',
  ʀ: 'r',
  ᴛ: 't',
};
const SMALL_CAPITAL = new RegExp(`[${Object.keys(SMALL_CAPITALS).join('')}]`, 'gu');

/**
 * The confusable skeleton of a name: two names with the same skeleton look alike. UTS #39's skeleton (NFD, each
 * character to its prototype, NFD again), made case-insensitive like our usernames: lower-cased first (so
 * `ADMIN` agrees with `admin`: the prototype of `I` is `l`), then mapped and lower-cased again until nothing
 * changes; after a compatibility decomposition (full-width and mathematical letters, ligatures) and without
 * invisible characters. The result is for comparing, never for showing.
 */
export function skeleton(text: string): string {
  let current = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(IGNORABLE, '')
    .replace(SMALL_CAPITAL, (c) => SMALL_CAPITALS[c]!);
  for (let round = 0; round < 4; round++) {
    const next = unhomoglyph(current).normalize('NFKD').toLowerCase().replace(IGNORABLE, '');
    if (next === current) break;
    current = next;
  }
  return current;
}

const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
// A zero-width joiner between two pictographs, or a presentation selector after one, is part of an emoji
// (👩‍💻, ❤️) and shows; everywhere else such characters only hide something.
const EMOJI_GLUE =
  /(?<=\p{Extended_Pictographic}(?:[\u{1f3fb}-\u{1f3ff}]|\ufe0f)?)\u200d(?=\p{Extended_Pictographic})|(?<=[\p{Extended_Pictographic}#*0-9])(?:\ufe0e|\ufe0f)/gu;

/** A display name without bidi controls and invisible characters (emoji sequences kept whole), trimmed. */
export function stripInvisibles(text: string): string {
  const kept: string[] = [];
  const source = text.replace(BIDI_CONTROLS, '');
  let last = 0;
  for (const match of source.matchAll(EMOJI_GLUE)) {
    kept.push(source.slice(last, match.index).replace(IGNORABLE, ''), match[0]);
    last = match.index + match[0].length;
  }
  kept.push(source.slice(last).replace(IGNORABLE, ''));
  return kept.join('').trim();
}

// Every script Unicode names, as far as this Node's regular expressions know them (newer names are skipped).
const SCRIPT_NAMES = `Latin Cyrillic Greek Armenian Georgian Hebrew Arabic Syriac Thaana Nko Devanagari Bengali Gurmukhi Gujarati
  Oriya Tamil Telugu Kannada Malayalam Sinhala Thai Lao Tibetan Myanmar Khmer Mongolian Hangul Hiragana Katakana Bopomofo
  Han Yi Ethiopic Cherokee Canadian_Aboriginal Ogham Runic Tagalog Hanunoo Buhid Tagbanwa Limbu Tai_Le New_Tai_Lue
  Buginese Tai_Tham Balinese Sundanese Batak Lepcha Ol_Chiki Vai Bamum Saurashtra Kayah_Li Rejang Javanese Cham Tai_Viet
  Meetei_Mayek Lisu Glagolitic Coptic Tifinagh Adlam Ahom Anatolian_Hieroglyphs Avestan Bassa_Vah Bhaiksuki Brahmi Braille
  Carian Caucasian_Albanian Chakma Chorasmian Cuneiform Cypriot Cypro_Minoan Deseret Dives_Akuru Dogra Duployan
  Egyptian_Hieroglyphs Elbasan Elymaic Gothic Grantha Gunjala_Gondi Hanifi_Rohingya Hatran Imperial_Aramaic
  Inscriptional_Pahlavi Inscriptional_Parthian Kaithi Kawi Kharoshthi Khitan_Small_Script Khojki Khudawadi Linear_A
  Linear_B Lycian Lydian Mahajani Makasar Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin Mende_Kikakui
  Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mro Multani Nabataean Nag_Mundari Nandinagari Newa Nushu
  Nyiakeng_Puachue_Hmong Old_Hungarian Old_Italic Old_North_Arabian Old_Permic Old_Persian Old_Sogdian Old_South_Arabian
  Old_Turkic Old_Uyghur Osage Osmanya Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Samaritan
  Sharada Shavian Siddham SignWriting Sogdian Sora_Sompeng Soyombo Syloti_Nagri Takri Tangsa Tangut Tirhuta Toto Ugaritic
  Vithkuqi Wancho Warang_Citi Yezidi Zanabazar_Square Garay Gurung_Khema Kirat_Rai Ol_Onal Sunuwar Todhri Tulu_Tigalari`;
const SCRIPTS: [string, RegExp][] = SCRIPT_NAMES.split(/\s+/).flatMap((name) => {
  try {
    return [[name, new RegExp(`^\\p{Script=${name}}$`, 'u')] as [string, RegExp]];
  } catch {
    return [];
  }
});

/**
 * The scripts of a text's letters, Common and Inherited ones (digits, punctuation, shared marks) aside;
 * a letter of no script this Node knows counts as a script of its own.
 */
export function scriptsOf(text: string): Set<string> {
  const scripts = new Set<string>();
  for (const char of text) {
    if (!/\p{L}/u.test(char) || /[\p{Script=Common}\p{Script=Inherited}]/u.test(char)) continue;
    scripts.add(SCRIPTS.find(([, pattern]) => pattern.test(char))?.[0] ?? `U+${char.codePointAt(0)!.toString(16)}`);
  }
  return scripts;
}

/** The mixes of scripts one writing system uses (UTS #39 "highly restrictive"): Japanese, Chinese, Korean. */
const WRITING_SYSTEMS = [
  new Set(['Han', 'Hiragana', 'Katakana']),
  new Set(['Han', 'Bopomofo']),
  new Set(['Han', 'Hangul']),
];

/** Whether a text's letters all come from one script, or from one of the CJK writing systems' mixes. */
export function isSingleScript(text: string): boolean {
  const scripts = scriptsOf(text);
  return scripts.size <= 1 || WRITING_SYSTEMS.some((system) => [...scripts].every((s) => system.has(s)));
}
