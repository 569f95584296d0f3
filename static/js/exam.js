/* The exam page. The server owns the clock and every answer: each change is POSTed at once (retried until the
 * server has it), the remaining time is re-read from the server, and a takeover by another tab stops this one.
 * Online sittings also log focus and full-screen losses and answer the server's random face checks. */
(function () {
  "use strict";
  const root = document.getElementById("exam");
  if (!root) return;
  const base = root.dataset.base;
  const tab = root.dataset.tab;
  const online = root.dataset.online === "1";
  const state = JSON.parse(document.getElementById("exam-state").textContent);
  const message = document.getElementById("exam-message");
  const remainingEl = document.getElementById("remaining");
  let deadline = Date.now() + state.remaining * 1000;
  let stopped = false;
  const pending = new Map(); // item -> value not yet confirmed by the server

  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  async function post(path, body) {
    const r = await fetch(base + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      credentials: "same-origin",
      body: JSON.stringify(Object.assign({ tab: tab }, body)),
    });
    let data = {};
    try { data = await r.json(); } catch (e) { /* empty */ }
    return { status: r.status, data: data };
  }
  function stop(reason) {
    stopped = true;
    document.getElementById("stopped-reason").textContent = reason;
    document.getElementById("stopped").hidden = false;
    root.querySelectorAll("input, button").forEach((el) => { el.disabled = true; });
  }
  function finish() { window.location.href = base + "result/"; }

  // Restore the saved answers (reload, another device).
  Object.entries(state.answers).forEach(([item, value]) => {
    const li = root.querySelector(`li[data-item="${item}"]`);
    if (!li) return;
    li.querySelectorAll("input").forEach((input) => { input.checked = value.includes(input.value); });
    li.querySelector(".save-state").textContent = "已保存";
  });

  function valueOf(li) {
    return Array.from(li.querySelectorAll("input:checked")).map((i) => i.value).sort().join("");
  }
  async function save(item, li) {
    if (stopped) return;
    const value = pending.get(item);
    const mark = li.querySelector(".save-state");
    mark.textContent = "保存中…";
    try {
      const r = await post("answer/", { item: Number(item), value: value });
      if (r.status === 200) {
        if (pending.get(item) === value) { pending.delete(item); mark.textContent = "已保存"; }
        return;
      }
      mark.textContent = "未保存";
      if (r.status === 409) { stop(r.data.error || "请求被拒绝"); return; }
      message.textContent = r.data.error || "保存失败";
    } catch (e) {
      mark.textContent = "网络中断，重试中…";
      setTimeout(() => { if (pending.has(item)) save(item, li); }, 2000);
    }
  }
  root.querySelectorAll("li.question").forEach((li) => {
    li.addEventListener("change", () => {
      pending.set(li.dataset.item, valueOf(li));
      save(li.dataset.item, li);
    });
  });

  function tick() {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    remainingEl.textContent = `${String(Math.floor(left / 60)).padStart(2, "0")}:${String(left % 60).padStart(2, "0")}`;
    if (left === 0 && !stopped) { stopped = true; setTimeout(finish, 1500); }
  }
  setInterval(tick, 1000);
  tick();
  async function resync() {
    try {
      const r = await fetch(base + "state/", { credentials: "same-origin" });
      const s = await r.json();
      if (s.status !== "open") { finish(); return; }
      deadline = Date.now() + s.remaining * 1000;
    } catch (e) { /* offline: keep counting */ }
  }
  setInterval(resync, 30000);

  document.getElementById("submit-exam").addEventListener("click", async () => {
    const blank = root.querySelectorAll("li.question").length - Object.keys(state.answers).length;
    if (!window.confirm("确认交卷？交卷后不能再修改答案。")) return;
    const r = await post("submit/", {});
    if (r.status === 200) { window.location.href = r.data.url; return; }
    if (r.status === 409) stop(r.data.error); else message.textContent = r.data.error || "交卷失败";
    return blank;
  });

  if (!online) return;
  // Focus and full screen: every loss is logged with its time and duration.
  let lostAt = null;
  let lostWhat = "blur";
  function lose(what) { if (lostAt === null) { lostAt = Date.now(); lostWhat = what; } }
  async function regain() {
    if (lostAt === null || stopped) return;
    const seconds = (Date.now() - lostAt) / 1000;
    lostAt = null;
    const r = await post("event/", { what: lostWhat, seconds: seconds });
    if (r.status === 409) stop(r.data.error);
    else if (r.data.submitted) finish();
    else message.textContent = `已记录离开考试页面（第 ${r.data.incidents} 次）`;
  }
  window.addEventListener("blur", () => lose("blur"));
  document.addEventListener("visibilitychange", () => (document.hidden ? lose("hidden") : regain()));
  window.addEventListener("focus", regain);
  const fsButton = document.getElementById("fullscreen");
  document.addEventListener("fullscreenchange", () => {
    if (!document.fullscreenElement) { lose("fullscreen"); fsButton.hidden = false; } else { fsButton.hidden = true; regain(); }
  });
  fsButton.addEventListener("click", () => document.documentElement.requestFullscreen && document.documentElement.requestFullscreen().catch(() => {}));
  if (document.fullscreenElement) fsButton.hidden = true;

  // Random face checks, as in study.
  const video = document.getElementById("camera");
  async function faceCheck() {
    if (stopped) return;
    try {
      const blob = await window.captureJpeg(video);
      const r = await window.uploadJpeg(base + "face/", blob, { tab: tab });
      if (r.status === 409) { stop(r.data.error); return; }
      if (r.data.submitted) { finish(); return; }
      message.textContent = r.data.passed ? "" : "人脸核验未通过，请正对摄像头";
      setTimeout(faceCheck, (r.data.next || 300) * 1000);
    } catch (e) { setTimeout(faceCheck, 30000); }
  }
  window.startCamera(video).then(() => setTimeout(faceCheck, Number(root.dataset.nextCheck) * 1000))
    .catch((e) => { message.textContent = e.message; });
})();
