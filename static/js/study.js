// The lesson page of face-verified online study (proctoring/consumers.py decides everything that counts:
// this page only reports what the player does, uploads the frames the server asks for, and shows the verdicts).
(function () {
  "use strict";
  const root = document.getElementById("study");
  if (!root) return;
  const video = document.getElementById("lesson-video");
  const camera = document.getElementById("camera");
  const $ = (id) => document.getElementById(id);
  const SLACK = 2; // seconds: matches training/lesson_rules.py SEEK_SLACK_SECONDS
  let ws = null;
  let furthest = 0; // the page's idea of how far it may play; the server corrects it with "seek"
  let beatTimer = null;
  let recheckTimer = null;
  let ended = false;

  function say(text) { $("study-message").textContent = text; }
  function state(text) { $("study-state").textContent = text; }
  function send(message) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message)); }
  function visible() { return document.visibilityState === "visible"; }
  function beat() {
    send({ type: "beat", position: video.currentTime, playing: !video.paused && !video.ended,
           visible: visible(), focused: document.hasFocus(), t: Date.now() });
  }

  // Seeking ahead of the furthest point watched is blocked; going back (replay) is allowed but adds nothing.
  video.addEventListener("timeupdate", function () {
    if (!video.seeking && video.currentTime <= furthest + SLACK) furthest = Math.max(furthest, video.currentTime);
  });
  video.addEventListener("seeking", function () {
    if (video.currentTime > furthest + SLACK) {
      video.currentTime = furthest;
      say("不能跳过未观看的内容");
    }
  });
  video.addEventListener("ratechange", function () { if (video.playbackRate !== 1) video.playbackRate = 1; });
  ["play", "pause", "seeked"].forEach((name) => video.addEventListener(name, beat));
  // At the end the server itself asks for the last check (the page never asks for one).
  video.addEventListener("ended", function () { beat(); say("本课时播放完毕，请稍候最后一次核验……"); });
  document.addEventListener("visibilitychange", function () {
    beat();
    if (!visible()) say("页面切走期间不计时");
  });
  window.addEventListener("blur", beat);
  window.addEventListener("focus", beat);

  function upload(message) {
    // Shown before sending: the verdict may come over the websocket before the upload's own response.
    $("last-verdict").textContent = "核验中……";
    $("last-verdict").className = "";
    return captureJpeg(camera).then(function (blob) {
      const form = new FormData();
      form.append("image", blob, "snapshot.jpg");
      return fetch(message.url, { method: "POST", body: form, credentials: "same-origin",
                                  headers: { "X-CSRFToken": root.dataset.csrf } });
    }).then(function (response) {
      if (!response.ok) return response.json().then((body) => say(body.error || "抓拍上传失败"));
    }).catch(function () { say("无法读取摄像头画面"); });
  }

  function showRecheck(seconds) {
    let left = Math.round(seconds);
    $("recheck").hidden = false;
    $("recheck-left").textContent = left;
    clearInterval(recheckTimer);
    recheckTimer = setInterval(function () {
      left = Math.max(0, left - 1);
      $("recheck-left").textContent = left;
    }, 1000);
  }
  function hideRecheck() { $("recheck").hidden = true; clearInterval(recheckTimer); }

  const LABELS = { match: "本人，核验通过", mismatch: "非本人", no_face: "未检测到人脸", multiple_faces: "检测到多张人脸",
                   static: "画面静止（疑似翻拍）", missing: "未按时上传" };

  function onMessage(event) {
    const m = JSON.parse(event.data);
    switch (m.type) {
      case "started":
        furthest = m.verified_second;
        video.currentTime = m.verified_second;
        $("verified").textContent = Math.floor(m.verified_second);
        beatTimer = setInterval(beat, m.heartbeat_seconds * 1000);
        state("学习中");
        video.play().catch(() => say("请点击播放"));
        beat();
        break;
      case "ack":
        $("pending").textContent = Math.floor(m.pending_seconds);
        $("verified").textContent = Math.floor(m.verified_second);
        break;
      case "seek":
        furthest = m.to;
        video.currentTime = m.to;
        say(m.reason);
        break;
      case "snapshot":
        upload(m);
        break;
      case "verdict":
        $("last-verdict").textContent = LABELS[m.verdict] || m.verdict;
        $("last-verdict").className = m.verdict === "match" ? "good" : "bad";
        $("verified").textContent = Math.floor(m.verified_second);
        if (m.verdict === "match") {
          $("credited").textContent = Math.floor(m.credited_seconds);
          if (!$("recheck").hidden) { hideRecheck(); say("重新核验通过，请继续学习"); video.play().catch(() => {}); }
        } else {
          video.pause();
          furthest = m.seek_to;
          video.currentTime = m.seek_to;
          state("计时暂停");
          showRecheck(m.recheck_within);
        }
        break;
      case "error":
        say(m.reason);
        break;
      case "ended":
      case "refused":
        ended = true;
        video.pause();
        hideRecheck();
        state("已结束");
        say(m.reason);
        break;
    }
  }

  function start() {
    $("start-study").disabled = true;
    startCamera(camera).then(function () {
      const scheme = location.protocol === "https:" ? "wss://" : "ws://";
      ws = new WebSocket(scheme + location.host + root.dataset.ws);
      ws.onmessage = onMessage;
      ws.onclose = function () {
        clearInterval(beatTimer);
        if (!ended) { state("连接已断开"); say("连接已断开，请刷新页面继续学习"); video.pause(); }
      };
    }).catch(function (error) {
      $("start-study").disabled = false;
      say("");
      showCameraHelp($("camera-help"), error, { alternativeUrl: root.dataset.alternative });
    });
  }

  $("start-study").addEventListener("click", start);
  $("recheck-button").addEventListener("click", function () { send({ type: "recheck" }); say("正在重新核验……"); });
})();
