// content-gen review: plain ES2020, no build step, no third-party code, no network but this page's.
"use strict";
const base = document.body.dataset.base;
const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const res = await fetch(base + path, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

function flash(message, kind) {
  const el = $("flash");
  if (!el) return;
  el.textContent = message;  // text, never HTML
  el.className = kind || "";
}

// Everything below reads the piece from the page; after a change the page's piece is fetched
// again and swapped in, so handlers are bound once, on the document.
const piece = () => $("piece");
const actionPath = (action) => {
  const p = piece().dataset;
  return `api/run/${encodeURIComponent(p.run)}/${encodeURIComponent(p.channel)}/${action}`;
};

async function refresh() {
  const page = await fetch(location.href, { credentials: "same-origin" });
  const doc = new DOMParser().parseFromString(await page.text(), "text/html");
  const fresh = doc.getElementById("piece");
  if (fresh) piece().replaceWith(document.adoptNode(fresh));
}

function showWarnings(list) {
  $("warnings").replaceChildren(...list.map((w) => {
    const li = document.createElement("li");
    li.className = w.level;
    li.dataset.rule = w.rule;
    if (w.line) {
      const where = document.createElement("span");
      where.className = "where";
      where.textContent = `${w.line}:${w.column}`;
      li.append(where, " ");
    }
    li.append(w.message);
    return li;
  }));
}

function showReading(data) {
  $("preview").innerHTML = data.html;  // rendered by the server, raw HTML escaped
  $("lead").replaceChildren(...data.lead.map(([name, value]) => {
    const div = document.createElement("div");
    div.className = "lead-" + name;
    div.textContent = value;
    return div;
  }));
  for (const [name, value] of Object.entries(data.facts)) {
    const dd = document.querySelector(`#facts [data-fact="${CSS.escape(name)}"]`);
    if (dd) dd.textContent = value;
  }
}

let checks = 0;  // only the newest answer is shown, whatever order the answers arrive in
const check = debounce(async () => {
  const mine = ++checks;
  try {
    const data = await api("api/check", { run: piece().dataset.run, channel: piece().dataset.channel, text: $("editor").value });
    if (mine !== checks) return;
    showWarnings(data.warnings);
    showReading(data);
    piece().dataset.checked = String(mine);
  } catch (e) { flash("Checking failed: " + e.message, "error"); }
}, 200);

document.addEventListener("input", (event) => {
  if (event.target.id === "editor") check();
});

async function act(action, extra, done) {
  try {
    const data = await api(actionPath(action), { seen: piece().dataset.seen, ...extra });
    await refresh();
    flash(done + (data.notes && data.notes.length ? " " + data.notes.join("; ") : ""));
  } catch (e) { flash(e.message, "error"); }
}

async function sendBack() {
  const note = $("note").value.trim();
  if (!note) { flash("Write a note for the reviser first.", "error"); return; }
  $("send-back").disabled = true;
  $("job").hidden = false;
  try {
    let job = await api(actionPath("send-back"), { seen: piece().dataset.seen, note });
    $("review").textContent = "sent back";
    while (job.state === "queued" || job.state === "running") {
      $("job-progress").max = job.total;
      $("job-progress").value = job.step;
      $("job-message").textContent = job.message;
      await new Promise((resolve) => setTimeout(resolve, 250));
      job = await api("api/jobs/" + job.id);
    }
    await refresh();
    flash(job.message + ".", job.state === "done" ? "" : "error");
  } catch (e) {
    flash("Send back failed: " + e.message, "error");
    const button = $("send-back");
    if (button) button.disabled = false;
  }
}

async function copy(name) {
  try {
    await navigator.clipboard.writeText($("copy-" + name).value);
    flash(`Copied the ${name}.`);
  } catch (e) { flash("Copying failed: " + e.message, "error"); }
}

document.addEventListener("click", (event) => {
  const more = event.target.closest(".see-more");
  if (more) {
    more.hidden = true;
    more.previousElementSibling.hidden = true;  // the "..."
    more.nextElementSibling.hidden = false;
    return;
  }
  const button = event.target.closest("[data-action]");
  if (!button) return;
  switch (button.dataset.action) {
    case "approve": act("approve", {}, "Approved."); break;
    case "unapprove": act("unapprove", {}, "No longer approved."); break;
    case "save": act("save", { text: $("editor").value }, "Saved; the version before is kept in the run's history."); break;
    case "send-back": sendBack(); break;
    case "copy": copy(button.dataset.copy); break;
  }
});
