// A stand-in for what the Tauri shell injects into the webview (`window.__TAURI_INTERNALS__`),
// loaded with page.addInitScript before the window's own scripts. It behaves like Tauri 2's real
// internals where the UI can tell: callbacks registered by transformCallback and run by id, args
// serialised to JSON (so a Channel travels as "__CHANNEL__:<id>"), `plugin:event|listen` keeping
// handler ids per event. Tests drive it through `window.__MOCK__`:
//   calls                         every invoke as {cmd, args} (args as JSON, like the real IPC)
//   responses[cmd]                value to answer (a function gets args), or {__error: {kind, message}}
//   deferred                      commands whose promise waits for resolve(cmd)/reject(cmd)
//   emit(event, payload)          an app event, delivered like app.emit
//   send(cmd, message)            next message on the Channel of the last `cmd` call
//   end(cmd)                      closes that Channel
// eslint-disable-next-line no-unused-vars
function installTauriMock(config) {
  const callbacks = new Map();
  let nextId = 1;
  const listeners = new Map(); // event -> [handler ids]
  const channels = new Map(); // cmd -> {id, index}
  const pending = new Map(); // cmd -> [{resolve, reject}]

  function transformCallback(callback, once = false) {
    const id = nextId++;
    callbacks.set(id, (data) => {
      if (once) callbacks.delete(id);
      return callback && callback(data);
    });
    return id;
  }

  function runCallback(id, data) {
    const cb = callbacks.get(id);
    if (!cb) throw new Error(`no callback ${id}`);
    cb(data);
  }

  // Like Tauri's IPC: objects with a to-IPC hook (Channel) or toJSON serialise themselves.
  function serialise(args) {
    return JSON.parse(
      JSON.stringify(args ?? {}, (_key, value) => {
        if (value && typeof value === "object" && typeof value.__TAURI_TO_IPC_KEY__ === "function") {
          return value.__TAURI_TO_IPC_KEY__();
        }
        return value;
      }),
    );
  }

  function channelIdIn(args) {
    for (const value of Object.values(args)) {
      if (typeof value === "string" && value.startsWith("__CHANNEL__:")) return Number(value.slice(12));
    }
    return null;
  }

  const mock = {
    calls: [],
    responses: { ...(config.responses ?? {}) },
    deferred: new Set(config.deferred ?? []),
    callbacks,
    listeners,
    listenerCount(event) {
      return (listeners.get(event) ?? []).length;
    },
    emit(event, payload) {
      for (const id of listeners.get(event) ?? []) runCallback(id, { event, id, payload });
    },
    send(cmd, message) {
      const ch = channels.get(cmd);
      if (!ch) throw new Error(`no channel for ${cmd}`);
      runCallback(ch.id, { index: ch.index++, message });
    },
    end(cmd) {
      const ch = channels.get(cmd);
      runCallback(ch.id, { index: ch.index++, end: true });
    },
    resolve(cmd, value) {
      pending.get(cmd).shift().resolve(value);
    },
    reject(cmd, error) {
      pending.get(cmd).shift().reject(error);
    },
    callsOf(cmd) {
      return this.calls.filter((c) => c.cmd === cmd);
    },
  };

  async function invoke(cmd, rawArgs) {
    const args = serialise(rawArgs);
    mock.calls.push({ cmd, args });
    if (cmd === "plugin:event|listen") {
      if (!listeners.has(args.event)) listeners.set(args.event, []);
      listeners.get(args.event).push(args.handler);
      return args.handler;
    }
    if (cmd === "plugin:event|unlisten") return null;
    const channelId = channelIdIn(args);
    if (channelId !== null) channels.set(cmd, { id: channelId, index: 0 });
    if (mock.deferred.has(cmd)) {
      return new Promise((resolve, reject) => {
        if (!pending.has(cmd)) pending.set(cmd, []);
        pending.get(cmd).push({ resolve, reject });
      });
    }
    if (!(cmd in mock.responses)) throw { kind: "app", message: `mock: no answer for ${cmd}` };
    let answer = mock.responses[cmd];
    if (typeof answer === "function") answer = answer(args);
    if (answer && typeof answer === "object" && answer.__error) throw answer.__error;
    return structuredClone(answer ?? null);
  }

  window.__TAURI_INTERNALS__ = {
    invoke,
    transformCallback,
    unregisterCallback: (id) => callbacks.delete(id),
    runCallback,
    callbacks,
    convertFileSrc: (p) => `asset://localhost/${encodeURIComponent(p)}`,
    metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
  };
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener: (_event, id) => callbacks.delete(id) };
  window.__MOCK__ = mock;
}
