import { isValidIBAN } from 'ibantools';
import { type CountryCode, parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js';

/** Personal data in a text: spans of e-mail addresses, phone numbers, IBANs and payment card numbers. */
export interface Span {
  start: number;
  end: number;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

export function findEmails(text: string): Span[] {
  if (!text.includes('@')) return [];
  return [...text.matchAll(EMAIL)].map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
}

/** Words just before a number that say it is a reference, not a phone: an order, an invoice, a tracking code. */
const REFERENCE_BEFORE =
  /(commande|cmd|order|facture|invoice|ref|réf|référence|reference|suivi|tracking|colis|n°|no\.?|#|sku|ean|article|ticket|dossier|case|code|item|membre|member|adhérent|licence|siret|siren)\s*[:°#.-]?\s*$/iu;
/** A public service's number is no one's personal data (mountain rescue, a shop, a town hall…). */
const PUBLIC_BEFORE =
  /(secours|urgence|pghm|gendarmerie|pompiers|samu|mairie|office de tourisme|refuge|magasin|boutique|service client|sav|standard|rescue|emergency|hotline|customer service|store)\b[^\n]{0,30}$/iu;

/** Words that announce a phone number: a number merely possible (a reserved range) counts after them. */
const PHONE_CONTEXT =
  /(t[ée]l[ée]?phone|t[ée]l|portable|mobile|gsm|num[ée]ro|num|appel\w*|joignable|whats ?app|signal|phone|call|ring|text|number|cell|nummer|handy)\b[^\d]{0,20}$/iu;

/** At least eight digits: the shortest phone numbers we look for. */
function enoughDigits(text: string, min: number): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++digits >= min) return true;
  }
  return false;
}

/** Eight digits close together (spaces, dots, dashes, brackets between them): anything shorter is no phone. */
const PHONE_LIKE = /\d(?:[\s().+-]{0,3}\d){7}/;
const PHONE_CANDIDATE = /(?<![\p{L}\p{N}])(?:\+|00)?\(?\d[\d\s()./-]{6,22}\d(?![\p{L}\p{N}]|[.,]\d)/gu;
/** National formats tried in turn: where the community's members live and write from. */
const NATIONAL: CountryCode[] = ['FR', 'BE', 'CH', 'GB', 'DE', 'IT', 'ES', 'NL', 'LU'];
/** North American numbers as people write them: (604) 555-0199, 415-555-2671, 415.555.2671. */
const NANP = /^(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}$/;

/**
 * Phone numbers in every national format (issue 17), through libphonenumber-js: international numbers (+44…,
 * 0044…), national ones of the countries our members write from (FR, BE, CH, GB, DE…, a leading 0), and North
 * American ones in their usual shapes. A valid number counts; a merely possible one (a reserved range) only
 * after a word that announces a phone. References (order, invoice, article…) never count.
 */
export function findPhones(text: string): Span[] {
  if (!enoughDigits(text, 8) || !PHONE_LIKE.test(text)) return [];
  const spans: Span[] = [];
  let tried = 0;
  for (const m of text.matchAll(PHONE_CANDIDATE)) {
    if (++tried > 40) break; // a hostile text of digits: the first forty candidates are enough to act on
    const raw = m[0].replace(/[\s.]+$/, '');
    const digits = raw.replace(/\D/g, '');
    if (digits.length < 8 || digits.length > 15) continue;
    const before = text.slice(Math.max(0, m.index - 24), m.index);
    if (REFERENCE_BEFORE.test(before) || PUBLIC_BEFORE.test(text.slice(Math.max(0, m.index - 60), m.index))) continue;
    const verdict = phoneVerdict(raw, digits);
    if (verdict === 'valid' || (verdict === 'possible' && PHONE_CONTEXT.test(before)))
      spans.push({ start: m.index, end: m.index + raw.length });
  }
  return spans;
}

function phoneVerdict(raw: string, digits: string): 'valid' | 'possible' | 'no' {
  let possible = false;
  const judge = (n: PhoneNumber | undefined) => {
    if (!n) return false;
    if (n.isValid()) return true;
    possible ||= n.isPossible();
    return false;
  };
  if (raw.startsWith('+') || raw.startsWith('00'))
    return judge(parsePhoneNumberFromString(raw.replace(/^00/, '+'))) ? 'valid' : possible ? 'possible' : 'no';
  if (digits.startsWith('0')) {
    for (const country of NATIONAL) if (judge(parsePhoneNumberFromString(raw, country))) return 'valid';
  } else if (NANP.test(raw) && judge(parsePhoneNumberFromString(raw, 'US'))) return 'valid';
  return possible ? 'possible' : 'no';
}

const IBAN_CANDIDATE = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/giu;

/** IBANs that pass their checksum (ISO 13616 mod 97): a random string of letters and digits does not. */
const IBAN_START = /[a-z]{2}\d{2} ?[a-z0-9]{4}/i;

export function findIbans(text: string): Span[] {
  if (!enoughDigits(text, 10) || !IBAN_START.test(text)) return [];
  return [...text.matchAll(IBAN_CANDIDATE)]
    .filter((m) => isValidIBAN(m[0].replace(/\s+/g, '').toUpperCase()))
    .map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
}

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes of the card networks (Visa, Mastercard, Amex, Discover, JCB, Diners, CB, UnionPay, Maestro). */
const CARD_PREFIX =
  /^(4|5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720)|3[47]|6011|65|64[4-9]|35(2[89]|[3-8])|30[0-5]|36|38|62|50|5[6-9]|6[0-9])/;
// Not part of a longer number or a decimal (« 1 299,99 »): no digit, and no digit behind a . or , around it.
const CARD_CANDIDATE = /(?<!\d|\d[.,])\d(?:[ -]?\d){12,18}(?!\d|[.,]\d)/g;

/**
 * Payment card numbers: 15 to 19 digits (13-digit EAN barcodes and 12-digit UPCs are not cards), a network's
 * issuer prefix, and the Luhn checksum. Order numbers, prices and dates fail one of the three.
 */
/** The longest run of digits where single spaces or dashes may separate them (a card is 15 or more). */
function longestDigitRun(text: string): number {
  let best = 0;
  let digits = 0;
  let gap = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      gap = false;
      if (digits > best) best = digits;
    } else if ((c === 32 || c === 45) && !gap && digits > 0) gap = true;
    else {
      digits = 0;
      gap = false;
    }
  }
  return best;
}

export function findCards(text: string): Span[] {
  if (longestDigitRun(text) < 15) return [];
  return [...text.matchAll(CARD_CANDIDATE)]
    .filter((m) => {
      const digits = m[0].replace(/[ -]/g, '');
      return digits.length >= 15 && digits.length <= 19 && CARD_PREFIX.test(digits) && luhn(digits);
    })
    .map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
}
