// Pure helpers that turn the shell's data into words: sizes, dates, expiration labels, file names,
// tag validation and what to tell a person after each kind of error. No DOM here (easy to reason
// about and to test).

/** "2.4 MB" from bytes; "" for unknown. */
export function formatBytes(bytes) {
  if (typeof bytes !== "number" || !Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** "1920 × 1080"; "" when either side is unknown. */
export function formatDims(width, height) {
  return width && height ? `${width} × ${height}` : "";
}

/** Joins the known parts with a middle dot. */
export function joinMeta(...parts) {
  return parts.filter((p) => p !== null && p !== undefined && p !== "").join(" · ");
}

/**
 * A date the history knows (unix seconds, milliseconds or an ISO/SQL string) as a short local
 * date and time; the raw value if it cannot be parsed.
 */
export function formatDate(value) {
  if (value === null || value === undefined || value === "") return "";
  let date;
  if (typeof value === "number") date = new Date(value < 1e12 ? value * 1000 : value);
  else date = new Date(String(value).replace(" ", "T"));
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

const UNIT_WORDS = { Y: "year", M: "month", W: "week", D: "day", H: "hour", MIN: "minute", S: "second" };

/**
 * A human label for an expiration value: "PT5M" -> "5 minutes", "P1D" -> "1 day", "P1W" -> "1 week",
 * "3600" (seconds) -> "1 hour". Unknown shapes are shown as they are.
 */
export function expirationLabel(value) {
  const text = String(value ?? "").trim();
  if (/^\d+$/.test(text)) return secondsLabel(Number(text));
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!m || text === "P" || text.endsWith("T")) return text;
  const parts = [];
  const keys = ["Y", "M", "W", "D", "H", "MIN", "S"];
  keys.forEach((key, i) => {
    const n = m[i + 1] ? Number(m[i + 1]) : 0;
    if (n) parts.push(plural(n, UNIT_WORDS[key]));
  });
  return parts.length ? parts.join(" ") : text;
}

function secondsLabel(seconds) {
  const steps = [
    [31536000, "year"],
    [604800, "week"],
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  for (const [size, word] of steps) {
    if (seconds >= size && seconds % size === 0) return plural(seconds / size, word);
  }
  return plural(seconds, "second");
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The last part of a path or URL ("shot.png"); the input itself if it has no slash. */
export function baseName(path) {
  if (!path) return "";
  const clean = String(path).split(/[?#]/)[0].replace(/[\\/]+$/, "");
  const name = clean.split(/[\\/]/).pop();
  return name || String(path);
}

/**
 * Splits the tags field on commas and checks each tag the way the server would silently drop it
 * (over 32 characters, or holding `/` or `#`). Returns `{tags, error}`; `error` is null when valid.
 */
export function parseTags(text) {
  const tags = String(text ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  for (const tag of tags) {
    if ([...tag].length > 32) return { tags, error: `“${shorten(tag, 20)}” is longer than 32 characters.` };
    const bad = [...tag].find((c) => c === "/" || c === "#");
    if (bad) return { tags, error: `“${shorten(tag, 20)}” holds “${bad}”: tags can't contain , / or #.` };
  }
  return { tags, error: null };
}

function shorten(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** True for mime types the webview can show as a thumbnail. */
export function isImageMime(mime) {
  return typeof mime === "string" && mime.startsWith("image/");
}

/**
 * What to do next after an error, by kind: `{hint, action}` where action is "settings", "retry" or
 * null.
 */
export function errorAdvice(kind) {
  switch (kind) {
    case "auth":
      return { hint: "Check the API key in Settings.", action: "settings" };
    case "keyring":
      return { hint: "Save the API key again in Settings.", action: "settings" };
    case "config":
      return { hint: "Check this server in Settings.", action: "settings" };
    case "not_json":
      return { hint: "The address may not be a Chevereto API: check the base URL in Settings.", action: "settings" };
    case "network":
      return { hint: "Check your connection, then retry.", action: "retry" };
    case "timeout":
      return { hint: "The server took too long. Retry, or try a smaller file.", action: "retry" };
    case "rejected":
      return { hint: "The server refused this file.", action: "retry" };
    default:
      return { hint: "", action: null };
  }
}

/** Labels of the copy targets, in the order the result card shows them. */
export const LINK_LABELS = [
  ["url", "Direct"],
  ["short", "Short"],
  ["viewer", "Viewer"],
  ["markdown", "Markdown"],
  ["html", "HTML"],
  ["bbcode", "BBCode"],
];

/** Words for the `copied` target in a result ("Short link copied"). */
export const COPY_WORDS = {
  url: "Direct link",
  short: "Short link",
  viewer: "Viewer link",
  markdown: "Markdown",
  html: "HTML",
  bbcode: "BBCode",
  delete: "Delete link",
};
