/** A reporter's name with all but the first character hidden (张** ), as shown to staff and the public. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
}
