/**
 * The report page `showcase` writes as `out/index.html`: a plain data structure of sections, rows, images
 * and captions, and the function that renders it. The page is self-contained (its style inline, no script,
 * no server) and links its images by paths relative to the page, so the output folder can be opened from
 * disk, copied or zipped as it is. A new kind of result is a new row or section in the data; the renderer
 * does not change.
 */

/** One picture: `src` relative to the page. */
export interface ReportImage {
  readonly src: string;
  /** What the picture shows, for readers who cannot see it. */
  readonly alt: string;
  /** Text under it: a file's name, a predicted class and its probability. */
  readonly caption?: string;
  /** How wide to show it, in CSS pixels (small maps are enlarged, pixels kept sharp); its own width if absent. */
  readonly width?: number;
}

/** A row of pictures of one kind, titled with what it is. */
export interface ReportRow {
  readonly title: string;
  readonly images: readonly ReportImage[];
}

/** A table of numbers: a header and rows of cells, all text. */
export interface ReportTable {
  readonly caption: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** A part of the page: a model, say, with its paragraphs, rows of pictures and tables. */
export interface ReportSection {
  readonly title: string;
  readonly paragraphs?: readonly string[];
  readonly rows?: readonly ReportRow[];
  readonly tables?: readonly ReportTable[];
}

export interface ReportPage {
  readonly title: string;
  readonly paragraphs?: readonly string[];
  readonly sections: readonly ReportSection[];
}

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1400px; padding: 0 1em; color: #222; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1em; margin: 1.4em 0 0.4em; }
.row { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-start; }
figure { margin: 0; text-align: center; }
figure img { display: block; image-rendering: pixelated; background: #000; }
figcaption { font-size: 12px; color: #444; max-width: 140px; margin: 2px auto 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3em; }
th, td { border: 1px solid #ccc; padding: 3px 8px; } td { text-align: right; font-variant-numeric: tabular-nums; }
td:first-child, th:first-child { text-align: left; }
@media (prefers-color-scheme: dark) { body { background: #111; color: #ddd; } figcaption { color: #aaa; } th, td { border-color: #444; } }`;

/** HTML's special characters as entities, for text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A relative path as a URL path: each segment percent-encoded, so that spaces and `#` survive. */
function href(path: string): string {
  if (/^[a-z]+:|^\//i.test(path)) throw new RangeError(`report page: ${path} is not a relative path; the page must open from disk anywhere`);
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function renderImage({ src, alt, caption, width }: ReportImage): string {
  const size = width === undefined ? '' : ` width="${Math.round(width)}"`;
  const text = caption === undefined ? '' : `<figcaption>${escapeHtml(caption)}</figcaption>`;
  return `<figure><a href="${href(src)}"><img src="${href(src)}" alt="${escapeHtml(alt)}"${size} loading="lazy"></a>${text}</figure>`;
}

function renderTable({ caption, head, rows }: ReportTable): string {
  const cells = (row: readonly string[], tag: string) => row.map((cell) => `<${tag}>${escapeHtml(cell)}</${tag}>`).join('');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${cells(head, 'th')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${cells(row, 'td')}</tr>`)
    .join('')}</tbody></table>`;
}

/** The whole page as one HTML document. */
export function renderReportPage(page: ReportPage): string {
  const paragraphs = (list?: readonly string[]) => (list ?? []).map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const sections = page.sections.map((section) =>
    [
      `<section><h2>${escapeHtml(section.title)}</h2>`,
      paragraphs(section.paragraphs),
      ...(section.rows ?? []).map((row) => `<h3>${escapeHtml(row.title)}</h3>\n<div class="row">${row.images.map(renderImage).join('')}</div>`),
      ...(section.tables ?? []).map(renderTable),
      '</section>',
    ].join('\n'),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}
</style>
</head>
<body>
<h1>${escapeHtml(page.title)}</h1>
${paragraphs(page.paragraphs)}
${sections.join('\n')}
</body>
</html>
`;
}
