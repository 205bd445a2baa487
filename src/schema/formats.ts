const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

/** Whether a leash date names a real day (and time): 2027-02-30 and 2027-13-01 do not. */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days) return false;
  const [h, min, sec, oh, om] = [m[4], m[5], m[6], m[7], m[8]].map((x) => Number(x ?? 0));
  return h! <= 23 && min! <= 59 && sec! <= 60 && oh! <= 23 && om! <= 59;
}

/** The custom formats the generated validators call. */
export const leashFormats = {
  'leash-date': { type: 'string', validate: isCalendarDate },
} as const;
