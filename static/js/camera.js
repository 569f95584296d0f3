/* The browser camera, shared by the enrolment page and the study page.
 *   startCamera(videoEl) -> Promise<MediaStream>: asks for the camera (640×480, front) and shows it in videoEl.
 *   captureJpeg(videoEl) -> Promise<Blob>: the current frame as a JPEG (the server checks it; nothing is kept here).
 *   uploadJpeg(url, blob, fields) -> Promise<{status, data}>: POSTs it as multipart "image" with the CSRF token.
 */
(function () {
  "use strict";

  async function startCamera(videoEl) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error("此浏览器不支持摄像头（请使用新版 Chrome、Edge 或 Firefox，并通过 HTTPS 访问）");
    }
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" },
      audio: false,
    });
    videoEl.srcObject = stream;
    videoEl.muted = true;
    videoEl.setAttribute("playsinline", "");
    await videoEl.play();
    if (!videoEl.videoWidth) {
      await new Promise((resolve) => videoEl.addEventListener("loadedmetadata", resolve, { once: true }));
    }
    return stream;
  }

  function captureJpeg(videoEl, quality) {
    const canvas = document.createElement("canvas");
    canvas.width = videoEl.videoWidth || 640;
    canvas.height = videoEl.videoHeight || 480;
    canvas.getContext("2d").drawImage(videoEl, 0, 0, canvas.width, canvas.height);
    return new Promise((resolve, reject) => {
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error("无法从摄像头取得画面"))),
        "image/jpeg",
        quality || 0.9
      );
    });
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  async function uploadJpeg(url, blob, fields) {
    const body = new FormData();
    body.append("image", blob, "frame.jpg");
    Object.entries(fields || {}).forEach(([key, value]) => body.append(key, value));
    const response = await fetch(url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    });
    let data = {};
    try {
      data = await response.json();
    } catch (e) {
      data = {};
    }
    return { status: response.status, data: data };
  }

  window.startCamera = startCamera;
  window.captureJpeg = captureJpeg;
  window.uploadJpeg = uploadJpeg;
})();
