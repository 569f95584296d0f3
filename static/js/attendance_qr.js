/* The teacher's sign-in QR screen: a new code every data-seconds (the old one expires on the server). */
(function () {
  "use strict";
  const box = document.getElementById("qr");
  const counts = document.getElementById("counts");
  if (!box) return;
  const seconds = parseInt(box.dataset.seconds, 10) || 30;
  async function refresh() {
    try {
      const response = await fetch(box.dataset.url, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return;
      const data = await response.json();
      if (data.svg) box.innerHTML = data.svg;
      counts.textContent = "已签到 " + data.signed_in + " 人，已签退 " + data.signed_out + " 人，共 " + data.enrolled + " 人";
    } catch (e) {
      /* offline for a moment: the next tick tries again */
    }
  }
  // Refresh a little before the code's window ends, so a code on screen is always fresh when scanned.
  setInterval(refresh, Math.max(5, seconds - 5) * 1000);
})();
