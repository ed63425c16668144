/** Web content in a prompt is data, never instructions: it goes inside tags its text cannot close. */
/** Makes text safe inside an untrusted fence: no tag-like `<untrusted_…` or `</untrusted_…` survives. */
export function neutralizeFenceText(text: string): string {
  return text.replace(/<(?=\s*\/?\s*untrusted)/gi, '‹');
}

function escapeAttribute(value: string): string {
  return value
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Wraps untrusted text in a tag that the text cannot close. */
export function fenceUntrusted(
  tag: 'untrusted_source' | 'untrusted_research',
  attributes: Readonly<Record<string, string | number>>,
  body: string,
): string {
  const attributeText = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeAttribute(String(value))}"`)
    .join('');
  return `<${tag}${attributeText}>\n${neutralizeFenceText(body.trim())}\n</${tag}>`;
}
