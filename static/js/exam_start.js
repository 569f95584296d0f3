/* The sitting page: start an exam. Online sittings first send one camera frame for the opening face check. */
(function () {
  "use strict";
  const button = document.getElementById("start-exam");
  if (!button) return;
  const message = document.getElementById("start-message");
  const video = document.getElementById("camera");
  const online = button.dataset.mode === "online";
  let cameraReady = Promise.resolve();
  if (online && video) {
    cameraReady = window.startCamera(video).catch((e) => { message.textContent = e.message; });
  }
  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  button.addEventListener("click", async () => {
    button.disabled = true;
    message.textContent = online ? "正在核验人脸……" : "正在开考……";
    try {
      let result;
      if (online) {
        await cameraReady;
        const blob = await window.captureJpeg(video);
        result = await window.uploadJpeg(button.dataset.url, blob, {});
      } else {
        const r = await fetch(button.dataset.url, { method: "POST", headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" });
        result = { status: r.status, data: await r.json() };
      }
      if (result.status === 200 && result.data.url) {
        if (online && document.documentElement.requestFullscreen) {
          try { await document.documentElement.requestFullscreen(); } catch (e) { /* the exam page asks again */ }
        }
        window.location.href = result.data.url;
        return;
      }
      message.textContent = result.data.error || "开考失败，请重试";
      if (result.data.face) message.textContent += `（${result.data.face.verdict}）`;
    } catch (e) {
      message.textContent = "网络异常，请重试";
    }
    button.disabled = false;
  });
})();
