/* Exam-site check-in by face (only offered for a candidate who consented): the staff device's camera takes one
 * frame and posts it with the ID number; the server checks it against the candidate's template
 * (proctoring.faces.check_face) and checks the candidate in, or says to check the ID card instead. */
(function () {
  "use strict";
  const form = document.getElementById("face-form");
  if (!form) return;
  const video = document.getElementById("camera");
  const button = document.getElementById("capture");
  const result = document.getElementById("result");
  function show(text, ok) {
    result.textContent = text;
    result.className = ok ? "good" : "bad";
  }
  window
    .startCamera(video)
    .then(() => {
      button.disabled = false;
    })
    .catch((e) => show("无法打开摄像头：" + e.message + "。请核验身份证签到。", false));
  button.addEventListener("click", async () => {
    button.disabled = true;
    show("正在核验…", true);
    try {
      const blob = await window.captureJpeg(video);
      const fields = {
        id_number: form.querySelector("input[name=id_number]").value,
        seat: form.querySelector("input[name=seat]").value,
      };
      const { data } = await window.uploadJpeg(form.dataset.url, blob, fields);
      show(data.ok ? data.message : data.reason || "核验失败", !!data.ok);
      if (data.ok) return;
    } catch (e) {
      show(e.message, false);
    }
    button.disabled = false;
  });
})();
