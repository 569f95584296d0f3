/* The face enrolment page: camera preview, capture, upload; texts and URL come from data- attributes of #capture. */
(function () {
  "use strict";
  const video = document.getElementById("camera");
  const button = document.getElementById("capture");
  const result = document.getElementById("result");
  const text = button.dataset;
  function show(message, ok) { result.textContent = message; result.className = ok ? "ok" : "error"; }
  // A camera that fails gets a Chinese explanation, the steps to fix it and the offline alternative (camera.js).
  startCamera(video).then(() => { button.disabled = false; }).catch((e) => {
    document.querySelector(".camera").hidden = true;
    button.hidden = true;
    showCameraHelp(document.getElementById("camera-help"), e, { alternativeUrl: text.alternativeUrl });
  });
  button.addEventListener("click", async () => {
    button.disabled = true;
    show(text.checking, true);
    try {
      const blob = await captureJpeg(video);
      const { data } = await uploadJpeg(text.url, blob);
      show(data.ok ? data.message : (data.reason || text.failed), !!data.ok);
    } catch (e) {
      show(e.message, false);
    }
    button.disabled = false;
  });
})();
