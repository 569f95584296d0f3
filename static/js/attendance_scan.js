/* The trainee's side of QR attendance.
 * - On the scanner page (#scanner): the back camera and the BarcodeDetector API where the browser has it; a code
 *   of this site opens its check-in URL. Without BarcodeDetector the page says to use the phone's camera app: the
 *   code encodes that same URL, so the camera app opens it directly (the trainee is signed in).
 * - On the check-in page (#face-form): the front camera takes one frame and posts it with the ticket; the server
 *   checks the face (proctoring.faces.check_face) and records the attendance.
 */
(function () {
  "use strict";

  function scanner(video) {
    const status = document.getElementById("scan-status");
    if (!("BarcodeDetector" in window)) {
      status.textContent = "此浏览器不支持页面内扫码：请直接用手机相机扫描老师屏幕上的二维码。";
      return;
    }
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(async (stream) => {
        video.srcObject = stream;
        await video.play();
        status.textContent = "请对准二维码…";
        const tick = async () => {
          try {
            const codes = await detector.detect(video);
            for (const code of codes) {
              const target = new URL(code.rawValue, window.location.href);
              if (target.origin === window.location.origin && target.pathname.indexOf("/attendance/") === 0) {
                stream.getTracks().forEach((t) => t.stop());
                window.location.href = target.href;
                return;
              }
            }
          } catch (e) {
            /* a frame the detector could not read */
          }
          window.setTimeout(tick, 250);
        };
        tick();
      })
      .catch((e) => {
        status.textContent = "无法打开摄像头：" + e.message + "。请直接用手机相机扫描二维码。";
      });
  }

  function faceCheckIn(form) {
    const video = document.getElementById("camera");
    const button = document.getElementById("capture");
    const result = document.getElementById("result");
    const ticket = form.querySelector("input[name=ticket]").value;
    function show(text, ok) {
      result.textContent = text;
      result.className = ok ? "good" : "bad";
    }
    window
      .startCamera(video)
      .then(() => {
        button.disabled = false;
      })
      .catch((e) => show("无法打开摄像头：" + e.message, false));
    button.addEventListener("click", async () => {
      button.disabled = true;
      show("正在核验…", true);
      try {
        const blob = await window.captureJpeg(video);
        const { data } = await window.uploadJpeg(form.dataset.url, blob, { ticket: ticket });
        show(data.ok ? data.message : data.reason || "核验失败", !!data.ok);
        if (data.ok) return;
      } catch (e) {
        show(e.message, false);
      }
      button.disabled = false;
    });
  }

  const video = document.getElementById("scanner");
  if (video) scanner(video);
  const form = document.getElementById("face-form");
  if (form) faceCheckIn(form);
})();
