/** Words in a Markdown post, leaving out citation markers and Markdown punctuation. */
export function countWords(markdown: string): number {
  return markdown
    .replace(/\[(\d+)\]/g, ' ')
    .replace(/[#*_>`\-|]/g, ' ')
    .split(/\s+/)
    .filter(Boolean).length;
}
