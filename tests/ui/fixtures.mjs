// Test data shaped exactly like the IPC contract's AppView, HistoryItem and UploadResult.

export const options = (over = {}) => ({
  title: null,
  description: null,
  tags: [],
  album_id: null,
  category_id: null,
  width: null,
  expiration: null,
  nsfw: false,
  format: "json",
  use_file_date: false,
  ...over,
});

const sandbox = {
  name: "sandbox",
  base_url: "http://127.0.0.1:47821",
  is_sandbox: true,
  has_key: true,
  key_location: "sandbox",
  key_mode: "header",
  allow_insecure_http: false,
  defaults: { resize_width: null, jpeg_quality: 90, strip_metadata: true, options: options(), copy: "short" },
};

const myhost = {
  name: "myhost",
  base_url: "https://img.example.com",
  is_sandbox: false,
  has_key: true,
  key_location: "keyring",
  key_mode: "header",
  allow_insecure_http: false,
  defaults: {
    resize_width: 1600,
    jpeg_quality: 85,
    strip_metadata: true,
    options: options({ tags: ["screens"], expiration: "P1W" }),
    copy: "markdown",
  },
};

const base = {
  version: "0.1.0",
  expirations: ["PT5M", "PT1H", "P1D", "P1W", "P1M", "P1Y"],
  hotkeys: {
    capture_screen: "Ctrl+Shift+4",
    capture_screen_mode: "monitor",
    capture_region: "Ctrl+Print",
    capture_window: "",
    capture_all: "Ctrl+Shift+3",
    upload_clipboard: "Ctrl+Shift+U",
    paused: false,
    status: [
      { action: "capture_screen", accelerator: "Ctrl+Shift+4", ok: true, message: null },
      { action: "capture_region", accelerator: "Ctrl+Print", ok: true, message: null },
      { action: "capture_window", accelerator: "", ok: false, message: "No shortcut set" },
      { action: "capture_all", accelerator: "Ctrl+Shift+3", ok: true, message: null },
      { action: "upload_clipboard", accelerator: "Ctrl+Shift+U", ok: false, message: "Another app already uses Ctrl+Shift+U." },
    ],
  },
  app: { start_at_login: false, notifications: true, concurrency: 2 },
  capture: { save_dir: "/home/ada/Pictures/Slingshot", strip_metadata: true, keep_captures: true },
  warnings: [],
  session: { kind: "x11", tray: true },
};

/** First run: only the local sandbox. */
export function firstRunView() {
  return structuredClone({ ...base, profiles: [sandbox], default_profile: "sandbox" });
}

/** A configured app: the sandbox plus a real server, which is the default. */
export function configuredView(over = {}) {
  return structuredClone({ ...base, profiles: [sandbox, myhost], default_profile: "myhost", ...over });
}

/** An UploadResult for `name`, with thumbnails served by the test server at `origin`. */
export function uploadResult(origin, name = "cat.png", historyId = 41) {
  const url = `${origin}/__fixtures/thumb.png`;
  const viewer = `https://img.example.com/image/cat.AbC`;
  return {
    history_id: historyId,
    source: `/home/ada/Pictures/${name}`,
    url,
    url_short: "https://img.example.com/AbC",
    url_viewer: viewer,
    thumb_url: url,
    medium_url: null,
    width: 1920,
    height: 1080,
    size: 2_400_000,
    mime: "image/png",
    has_delete_url: true,
    links: {
      url,
      short: "https://img.example.com/AbC",
      viewer,
      markdown: `[![${name}](${url})](${viewer})`,
      html: `<a href="${viewer}"><img src="${url}" alt="${name}"></a>`,
      bbcode: `[url=${viewer}][img]${url}[/img][/url]`,
    },
    copied: `[![${name}](${url})](${viewer})`,
    warnings: [],
  };
}

/** History items: uploaded, failed, deleted. */
export function historyItems(origin) {
  const thumb = `${origin}/__fixtures/thumb.png`;
  const item = (over) => ({
    id: 1,
    created_at: "2025-05-01 10:20:00",
    status: "uploaded",
    source: "/home/ada/Pictures/cat.png",
    local_path: "/home/ada/Pictures/cat.png",
    profile: "myhost",
    error_kind: null,
    error: null,
    url: thumb,
    url_short: "https://img.example.com/AbC",
    url_viewer: "https://img.example.com/image/cat.AbC",
    thumb_url: thumb,
    width: 1920,
    height: 1080,
    size: 2_400_000,
    mime: "image/png",
    has_delete_url: true,
    ...over,
  });
  return [
    item({ id: 3, source: "/home/ada/Pictures/sunset.jpg", local_path: "/home/ada/Pictures/sunset.jpg", mime: "image/jpeg" }),
    item({
      id: 2,
      status: "failed",
      source: "/home/ada/Videos/clip.mp4",
      local_path: "/home/ada/Videos/clip.mp4",
      error_kind: "network",
      error: "Cannot reach img.example.com: connection refused",
      url: null,
      url_short: null,
      url_viewer: null,
      thumb_url: null,
      width: null,
      height: null,
      mime: "video/mp4",
      has_delete_url: false,
    }),
    item({ id: 1 }),
  ];
}
