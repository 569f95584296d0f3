/* The browser camera, shared by the enrolment page and the study page.
 *   startCamera(videoEl) -> Promise<MediaStream>: asks for the camera (640×480, front) and shows it in videoEl.
 *   captureJpeg(videoEl) -> Promise<Blob>: the current frame as a JPEG (the server checks it; nothing is kept here).
 *   uploadJpeg(url, blob, fields) -> Promise<{status, data}>: POSTs it as multipart "image" with the CSRF token.
 *   cameraProblem(error) -> {kind, title, why, desktop[], phone[]}: what went wrong, in Chinese, and how to fix it.
 *   showCameraHelp(container, error, {alternativeUrl}): writes that explanation into container, with a way forward.
 */
(function () {
  "use strict";

  function cameraError(kind, message) {
    const error = new Error(message);
    error.name = kind;
    return error;
  }

  async function startCamera(videoEl) {
    if (window.isSecureContext === false) {
      throw cameraError("InsecureContext", "页面不是通过 HTTPS 打开的");
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw cameraError("Unsupported", "此浏览器不支持摄像头");
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

  // The browser's error names (DOMException.name) grouped into the four problems a trainee can fix.
  const PROBLEMS = {
    none: {
      title: "没有找到摄像头",
      why: "这台设备没有可用的摄像头，或摄像头没有连接好。",
      desktop: ["确认电脑有摄像头：笔记本一般在屏幕上方；台式机需要插上 USB 摄像头。", "插好后刷新本页。"],
      phone: ["手机都带前置摄像头：请用手机浏览器打开本页（建议使用系统自带浏览器或 Chrome）。", "在微信里打开时，请点右上角“…”，选“在浏览器打开”。"],
    },
    denied: {
      title: "摄像头权限被拒绝",
      why: "浏览器或系统没有允许本网站使用摄像头。",
      desktop: ["点击地址栏左侧的锁形图标，把“摄像头”改为“允许”，然后刷新本页。", "Windows：设置 → 隐私 → 相机，打开“允许应用访问相机”和浏览器的开关。macOS：系统设置 → 隐私与安全性 → 摄像头，勾选浏览器。"],
      phone: ["iPhone：设置 → Safari（或所用浏览器）→ 相机，选“允许”；然后回到本页刷新。", "安卓：设置 → 应用 → 浏览器 → 权限 → 相机，选“允许”；然后回到本页刷新。"],
    },
    busy: {
      title: "摄像头正被其他程序占用",
      why: "摄像头已被另一个程序或另一个浏览器窗口使用，或者暂时无法启动。",
      desktop: ["关闭正在使用摄像头的程序（视频会议、微信/QQ 视频、其他浏览器标签页）。", "刷新本页；仍不行请重新插拔摄像头或重启电脑。"],
      phone: ["关闭正在视频通话或拍照的应用，以及其他打开了本网站的标签页。", "回到本页刷新；仍不行请重启手机。"],
    },
    insecure: {
      title: "页面不安全，浏览器不允许使用摄像头",
      why: "只有通过 HTTPS（地址以 https:// 开头）打开的网页才能使用摄像头。",
      desktop: ["请把地址栏中的 http:// 改为 https:// 后重新打开，或使用培训机构提供的 https 地址。", "仍有问题请联系培训机构或系统管理员。"],
      phone: ["请用 https:// 开头的地址重新打开本页（可请培训机构发送正确链接）。"],
    },
    unsupported: {
      title: "此浏览器不支持摄像头",
      why: "浏览器版本过旧，或是在不支持摄像头的应用内打开的。",
      desktop: ["请使用新版 Chrome、Edge 或 Firefox 打开本页。"],
      phone: ["请用系统自带浏览器或新版 Chrome 打开本页；在微信里请点右上角“…”选“在浏览器打开”。"],
    },
  };
  const KINDS = {
    NotFoundError: "none", DevicesNotFoundError: "none", OverconstrainedError: "none",
    NotAllowedError: "denied", PermissionDeniedError: "denied", SecurityError: "denied",
    NotReadableError: "busy", TrackStartError: "busy", AbortError: "busy",
    InsecureContext: "insecure", Unsupported: "unsupported",
  };

  function cameraProblem(error) {
    const kind = KINDS[(error && error.name) || ""] || "busy";
    return Object.assign({ kind: kind }, PROBLEMS[kind]);
  }

  function listOf(items) {
    const ol = document.createElement("ol");
    items.forEach((text) => {
      const li = document.createElement("li");
      li.textContent = text;
      ol.appendChild(li);
    });
    return ol;
  }

  function showCameraHelp(container, error, options) {
    const problem = cameraProblem(error);
    const opts = options || {};
    container.textContent = "";
    container.hidden = false;
    container.className = "help-box";
    container.dataset.problem = problem.kind;
    const h = document.createElement("h3");
    h.textContent = "无法打开摄像头：" + problem.title;
    const why = document.createElement("p");
    why.textContent = problem.why;
    const desk = document.createElement("p");
    desk.innerHTML = "<strong>电脑上：</strong>";
    const phone = document.createElement("p");
    phone.innerHTML = "<strong>手机上：</strong>";
    container.append(h, why, desk, listOf(problem.desktop), phone, listOf(problem.phone));
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "secondary";
    retry.textContent = "处理好了，重试";
    retry.addEventListener("click", () => window.location.reload());
    const way = document.createElement("p");
    way.appendChild(retry);
    if (opts.alternativeUrl) {
      const link = document.createElement("a");
      link.href = opts.alternativeUrl;
      link.textContent = "暂时无法使用摄像头？改为参加线下学习（现场核验身份）";
      way.append(" ", link);
    }
    container.appendChild(way);
    return problem;
  }

  window.cameraProblem = cameraProblem;
  window.showCameraHelp = showCameraHelp;
  window.startCamera = startCamera;
  window.captureJpeg = captureJpeg;
  window.uploadJpeg = uploadJpeg;
})();
