/**
 * What the character-level detectors need to know before they look closer (issue 17's speed budget): each of
 * them used to walk the whole text just to learn that it held nothing for them. Each answer is one
 * regular-expression test — compiled to machine code, several times faster than a loop in JavaScript —
 * asked only by the detector that needs it, and remembered for the others.
 */
export class TextStats {
  private digit: boolean | undefined;
  private phone: boolean | undefined;
  private card: boolean | undefined;
  private iban: boolean | undefined;
  private shout: boolean | undefined;
  private signs: number | undefined;
  private readonly repeats = new Map<number, boolean>();

  constructor(private readonly text: string) {}

  get hasDigit(): boolean {
    return (this.digit ??= /\d/.test(this.text));
  }

  /** Eight digits close together (at most three of « ().+- » and spaces between two): a phone may be there. */
  get phoneLike(): boolean {
    return (this.phone ??= this.hasDigit && /\d(?:[\s().+-]{0,3}\d){7}/.test(this.text));
  }

  /** Fifteen digits where single spaces or dashes may separate them: a payment card may be there. */
  get cardLike(): boolean {
    return (this.card ??= this.hasDigit && /\d(?:[ -]?\d){14}/.test(this.text));
  }

  /** A country code, two check digits and four characters: an IBAN may be there. */
  get ibanLike(): boolean {
    return (this.iban ??= this.hasDigit && /[a-z]{2}\d{2} ?[a-z0-9]{4}/i.test(this.text));
  }

  /** Five capitals in a row somewhere (« SAV » does not count): shouting is possible. */
  get capitalRun(): boolean {
    return (this.shout ??= /[A-ZÀ-ÖØ-Þ]{5}/.test(this.text));
  }

  /**
   * Whether one character may be repeated `min` times: a run of `min` identical characters holds two neighbours
   * at some multiple of `min - 1`, so only every (min − 1)th position is compared with the next, and the run
   * measured where they are equal.
   */
  repeated(min: number): boolean {
    let found = this.repeats.get(min);
    if (found === undefined) {
      found = false;
      const text = this.text;
      const stride = Math.max(1, min - 1);
      for (let p = 0; p + 1 < text.length; p += stride) {
        const c = text.charCodeAt(p);
        if (c !== text.charCodeAt(p + 1) || c === 32 || c === 10 || c === 45 || c === 61 || c === 42 || c === 35)
          continue;
        let a = p;
        let b = p + 1;
        while (a > 0 && text.charCodeAt(a - 1) === c) a--;
        while (b + 1 < text.length && text.charCodeAt(b + 1) === c) b++;
        if (b - a + 1 >= min) {
          found = true;
          break;
        }
      }
      this.repeats.set(min, found);
    }
    return found;
  }

  private get signMask(): number {
    if (this.signs === undefined) {
      // includes() scans in native code without building a match per sign.
      const t = this.text;
      this.signs = (t.includes('$') || t.includes('€') ? 1 : 0) | (t.includes('%') ? 2 : 0) | (t.includes('@') ? 4 : 0);
    }
    return this.signs;
  }

  /** Money is written with its sign (€, $). */
  get money(): boolean {
    return (this.signMask & 1) !== 0;
  }

  get percent(): boolean {
    return (this.signMask & 2) !== 0;
  }

  get at(): boolean {
    return (this.signMask & 4) !== 0;
  }
}

/** A field's stats, computed on first use and kept on the field (Prepared.stats). */
export function statsOf(f: { text: string; stats?: TextStats }): TextStats {
  return (f.stats ??= new TextStats(f.text));
}
