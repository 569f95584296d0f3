/* The face enrolment page: camera preview, capture, upload; texts and URL come from data- attributes of #capture. */
(function () {
  "use strict";
  const video = document.getElementById("camera");
  const button = document.getElementById("capture");
  const result = document.getElementById("result");
  const text = button.dataset;
  function show(message, ok) { result.textContent = message; result.className = ok ? "ok" : "error"; }
  startCamera(video).then(() => { button.disabled = false; }).catch((e) => show(text.noCamera + e.message, false));
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
