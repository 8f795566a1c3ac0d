export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A whole page: semantic landmarks, the local stylesheet, nothing fetched from elsewhere. */
export function page(title: string, root: string, body: string): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing on these pages may reach the network; the policy makes a mistake visible at once.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'">`,
    `<title>${escapeHtml(title)} - eventcanon catalog</title>`,
    `<link rel="stylesheet" href="${root}style.css">`,
    "</head>",
    "<body>",
    `<header class="site"><a href="${root}index.html">eventcanon catalog</a></header>`,
    "<main>",
    body,
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
