/* 一图可视: draws the dashboard from the JSON the page embeds, then refreshes it from
   /dashboard/data every minute without reloading. Clicking a county drills into its townships
   (bars: townships have no boundaries in the data); the breadcrumb goes back up.
   Needs ECharts (vendored, /static/vendor/echarts.min.js). */
(function () {
  "use strict";

  var root = document.getElementById("dash");
  if (!root || typeof echarts === "undefined") return;

  var HOME = root.dataset.home;
  var HOME_LEVEL = root.dataset.homeLevel;
  var REFRESH_MS = (Number(root.dataset.refresh) || 60) * 1000;
  var GEO_URL = "/static/geo/chenzhou-counties-gcj02.geojson";
  var METRICS = {
    open: "当前在办",
    high_risk: "高风险在办",
    overdue: "曾超期在办",
    received: "本期受理",
  };
  var RISK = { normal: "一般", elevated: "关注", high: "高风险", critical: "紧急" };
  var SEQ = ["#fff4d6", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000"];

  var data = JSON.parse(document.getElementById("d-data").textContent);
  var state = {
    region: data.summary.region.code,
    from: data.summary.from,
    to: data.summary.to,
    by: data.ranking.by,
    sort: data.ranking.sort,
    metric: "open",
    grain: "day",
  };
  var names = {}; // region code -> name, learnt from every answer (for the breadcrumb)
  var charts = {};
  var mapReady = false;
  var loading = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function pct(rate) {
    return rate && rate.value !== null && rate.value !== undefined
      ? (rate.value * 100).toFixed(1) + "%" : "—";
  }
  function frac(rate) { return rate ? rate.numerator + " / " + rate.denominator : ""; }
  function countyOf(code) { return code.slice(0, 6) + "000000"; }
  function levelOf(code) {
    if (code.slice(4) === "00000000") return "city";
    if (code.slice(6) === "000000") return "county";
    return "township";
  }
  function chart(id) {
    if (!charts[id]) {
      var node = $(id);
      if (!node) return null;
      charts[id] = echarts.init(node, null, { renderer: "canvas" });
    }
    return charts[id];
  }

  // --- tiles, tables, lists ----------------------------------------------------------

  function setTile(key, value, sub) {
    var tile = root.querySelector('[data-kpi="' + key + '"]');
    if (!tile) return;
    tile.querySelector(".v").textContent = value;
    if (sub !== undefined) tile.querySelector(".sub").textContent = sub;
  }

  function renderTiles(s) {
    var k = s.kpis;
    setTile("received", k.received, "其中重复件 " + k.merged);
    setTile("accepted", k.accepted, "不予受理 " + k.rejected);
    setTile("resolved", k.resolved);
    ["on_time_rate", "response_rate", "resolution_rate", "satisfaction_rate", "grassroots_rate",
     "mediation_success_rate"]
      .forEach(function (name) { setTile(name, pct(k[name]), frac(k[name])); });
    var hours = k.median_handling_hours;
    var median = root.querySelector('[data-kpi="median_handling_hours"]');
    var value = median.querySelector(".v");
    value.textContent = hours === null ? "—" : (k.median_at_least ? "≥" : "") + hours.toFixed(1);
    if (hours !== null) value.appendChild(el("small", "小时"));
    median.querySelector(".sub").textContent =
      hours === null ? "" : "约 " + (hours / 24).toFixed(1) + " 天";
    setTile("open", s.open.open, "高风险 " + s.open.high_risk + " · 曾超期 " + s.open.overdue);
    setTile("unrated", k.unrated);
  }

  function fillTable(id, rows, empty, columns) {
    var body = $(id).querySelector("tbody");
    body.textContent = "";
    if (!rows.length) {
      var tr = el("tr");
      var td = el("td", empty);
      td.colSpan = columns;
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    rows.forEach(function (cells) {
      var tr = el("tr");
      cells.forEach(function (cell) {
        var td = el("td");
        if (Array.isArray(cell)) {
          td.appendChild(document.createTextNode(cell[0] + " "));
          td.appendChild(el("small", cell[1]));
        } else {
          td.textContent = cell;
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function renderHotspots(s) {
    fillTable("d-hotspots", s.hotspots.map(function (h, i) {
      return [i + 1, h.region.name, h.category_name, h.received];
    }), "本期暂无诉求", 4);
  }

  function renderRanking(r) {
    fillTable("d-ranking", r.rows.map(function (row) {
      return [
        row.rank === null ? "—" : row.rank, row.name, row.received,
        [pct(row.response_rate), frac(row.response_rate).replace(/ /g, "")],
        [pct(row.resolution_rate), frac(row.resolution_rate).replace(/ /g, "")],
        [pct(row.satisfaction_rate), frac(row.satisfaction_rate).replace(/ /g, "")],
      ];
    }), "本期暂无可排名的数据", 6);
    $("d-rank-note").textContent = "分母不足 " + r.min_cases + " 件的不排名次（共 " + r.unranked +
      " 个），避免件数很少的单位排在前面。";
    var by = $("d-by");
    var regionOption = by.querySelector('option[value="region"]');
    var township = levelOf(state.region) === "township";
    if (township && regionOption) regionOption.remove();
    if (!township && !regionOption) {
      var option = el("option", "下级地区");
      option.value = "region";
      by.insertBefore(option, by.firstChild);
    }
    by.value = r.by;
    $("d-sort").value = r.sort;
  }

  function renderAlerts(a) {
    $("d-alerts-total").textContent = a.total;
    var list = $("d-alerts");
    list.textContent = "";
    if (!a.items.length) {
      list.appendChild(el("li", "暂无未办结的预警", "hint"));
      return;
    }
    a.items.forEach(function (item) {
      var li = el("li");
      li.appendChild(el("span", RISK[item.level] || item.level, "badge risk-" + item.level));
      li.appendChild(document.createTextNode(" " + item.title + " "));
      li.appendChild(el("small", item.region_name + " · " + item.created_at.slice(0, 16).replace("T", " ")));
      list.appendChild(li);
    });
  }

  function renderAreasTable(m) {
    fillTable("d-areas-table", m.areas.map(function (a) {
      return [a.region.name, a.received, a.resolved, a.open, a.high_risk, a.overdue,
        pct(a.resolution_rate)];
    }), "没有下级地区", 7);
  }

  // --- charts ------------------------------------------------------------------------

  function metricOf(area) { return area[state.metric]; }

  function renderMap(geo) {
    var c = chart("d-map");
    if (!c || !mapReady) return;
    var values = geo.map(function (a) {
      return { name: a.region.name, value: metricOf(a), code: a.region.code };
    });
    var max = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
    var selected = levelOf(state.region) === "city" ? null : countyOf(state.region);
    values.forEach(function (v) { v.selected = v.code === selected; });
    c.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        return p.name + "<br>" + METRICS[state.metric] + "：" + (p.value === undefined || isNaN(p.value) ? 0 : p.value);
      } },
      visualMap: {
        min: 0, max: max, left: 8, bottom: 8, calculable: false, itemHeight: 90,
        text: ["多", "少"], inRange: { color: SEQ }, textStyle: { fontSize: 12 },
      },
      series: [{
        type: "map", map: "chenzhou", roam: false, selectedMode: "single",
        layoutCenter: ["52%", "50%"], layoutSize: "96%",
        label: { show: true, fontSize: 12, color: "#1f2328", textBorderColor: "#fff", textBorderWidth: 2 },
        emphasis: { label: { show: true, fontWeight: "bold" }, itemStyle: { areaColor: "#9ecae1" } },
        select: { label: { show: true, fontWeight: "bold" }, itemStyle: { areaColor: "#6baed6", borderColor: "#0b5cad", borderWidth: 2 } },
        itemStyle: { borderColor: "#ffffff", borderWidth: 1 },
        data: values,
      }],
    }, { replaceMerge: ["series"] });
  }

  function renderAreas(m) {
    var c = chart("d-areas");
    var rows = m.areas.length ? m.areas : [m.whole];
    rows = rows.slice().sort(function (a, b) { return metricOf(a) - metricOf(b); });
    var title = { city: "各县（市、区）", county: "各乡镇（街道）", township: "本乡镇（街道）" };
    $("h-areas").textContent = title[m.region.level] || "下级地区";
    var back = $("d-back");
    back.hidden = state.region === HOME;
    $("d-areas").style.height = Math.max(220, rows.length * 22 + 60) + "px";
    c.resize();
    c.setOption({
      grid: { left: 8, right: 40, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, data: [METRICS[state.metric]] },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map(function (a) { return a.region.name; }),
        axisLabel: { fontSize: 12 } },
      series: [{
        name: METRICS[state.metric], type: "bar", barMaxWidth: 16,
        itemStyle: { color: "#a31f24" }, label: { show: true, position: "right", fontSize: 11 },
        data: rows.map(function (a) { return { value: metricOf(a), code: a.region.code }; }),
      }],
    }, { replaceMerge: ["series", "yAxis"] });
  }

  function renderTrend(trend) {
    var c = chart("d-trend");
    var points = trend[state.grain] || [];
    var series = [["received", "受理", "#0b5cad"], ["resolved", "办结", "#1b6e20"], ["solved", "解决", "#f0a500"]];
    c.setOption({
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", boundaryGap: false,
        data: points.map(function (p) { return state.grain === "week" ? p.day.slice(5) + "周" : p.day.slice(5); }) },
      yAxis: { type: "value", minInterval: 1 },
      series: series.map(function (s) {
        return { name: s[1], type: "line", smooth: true, showSymbol: points.length < 40,
          itemStyle: { color: s[2] }, data: points.map(function (p) { return p[s[0]]; }) };
      }),
    });
  }

  function renderCategories(categories) {
    var c = chart("d-categories");
    var rows = categories.slice(0, 12).reverse();
    $("d-categories").style.height = Math.max(220, rows.length * 26 + 60) + "px";
    c.resize();
    c.setOption({
      grid: { left: 8, right: 32, top: 28, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
      series: [
        { name: "受理", type: "bar", itemStyle: { color: "#0b5cad" }, data: rows.map(function (r) { return r.received; }) },
        { name: "办结", type: "bar", itemStyle: { color: "#1b6e20" }, data: rows.map(function (r) { return r.resolved; }) },
      ],
    }, { replaceMerge: ["series", "yAxis"] });
  }

  // --- state, navigation, refresh ----------------------------------------------------

  function learnNames(d) {
    names[d.summary.region.code] = d.summary.region.name;
    d.map.areas.concat(d.geo).forEach(function (a) { names[a.region.code] = a.region.name; });
  }

  function renderCrumbs() {
    var nav = $("d-crumbs");
    nav.textContent = "";
    var chain = [HOME];
    if (state.region !== HOME) {
      if (HOME_LEVEL === "city" && levelOf(state.region) === "township") chain.push(countyOf(state.region));
      chain.push(state.region);
    }
    chain.forEach(function (code, i) {
      if (i) nav.appendChild(document.createTextNode(" › "));
      if (i === chain.length - 1) {
        nav.appendChild(el("span", names[code] || code));
      } else {
        var a = el("a", names[code] || code);
        a.href = "#";
        a.addEventListener("click", function (e) { e.preventDefault(); go(code); });
        nav.appendChild(a);
      }
    });
  }

  function query() {
    var q = new URLSearchParams({ region: state.region, from: state.from, to: state.to, sort: state.sort });
    if (state.by) q.set("by", state.by);
    return q;
  }

  function render(d) {
    data = d;
    learnNames(d);
    $("d-region").textContent = d.summary.region.name;
    renderTiles(d.summary);
    renderMap(d.geo);
    renderAreas(d.map);
    renderAreasTable(d.map);
    renderTrend(d.trend);
    renderCategories(d.summary.categories);
    renderHotspots(d.summary);
    renderAlerts(d.alerts);
    renderRanking(d.ranking);
    renderCrumbs();
    var page = new URLSearchParams({ region: state.region, from: state.from, to: state.to });
    $("d-report").href = "/dashboard/report.xlsx?" + page.toString();
    $("d-from").value = state.from;
    $("d-to").value = state.to;
    root.querySelector('#d-period input[name="region"]').value = state.region;
    history.replaceState(null, "", "/dashboard?" + page.toString());
    var when = d.summary.as_of.slice(11, 19);
    $("d-updated").textContent = "数据更新于 " + when + "，每 " + REFRESH_MS / 1000 + " 秒自动刷新";
    root.dataset.loadedRegion = state.region;
  }

  function load() {
    if (loading) loading.abort();
    loading = new AbortController();
    root.setAttribute("aria-busy", "true");
    return fetch("/dashboard/data?" + query().toString(), {
      credentials: "same-origin", headers: { Accept: "application/json" }, signal: loading.signal,
    }).then(function (r) {
      if (r.redirected || !r.ok || (r.headers.get("content-type") || "").indexOf("json") < 0) {
        throw new Error(r.status === 403 ? "无权查看该地区" : (r.redirected ? "登录已过期，请刷新页面重新登录" : "数据暂时无法更新（" + r.status + "）"));
      }
      return r.json();
    }).then(function (d) {
      render(d);
    }).catch(function (err) {
      if (err.name === "AbortError") return;
      $("d-updated").textContent = err.message + "，稍后自动重试";
    }).finally(function () { root.removeAttribute("aria-busy"); });
  }

  function go(code) {
    state.region = code;
    state.by = null; // the default for the level: areas below, or units in a township
    load();
  }

  function preset(kind) {
    var today = new Date(data.summary.as_of.slice(0, 10) + "T00:00:00");
    var iso = function (d) {
      return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
    };
    var from = new Date(today);
    var to = new Date(today);
    if (kind === "month") from.setDate(1);
    else if (kind === "last-month") { from = new Date(today.getFullYear(), today.getMonth() - 1, 1); to = new Date(today.getFullYear(), today.getMonth(), 0); }
    else if (kind === "year") from = new Date(today.getFullYear(), 0, 1);
    else from.setDate(today.getDate() - Number(kind) + 1);
    state.from = iso(from);
    state.to = iso(to);
  }

  function bind() {
    var map = chart("d-map");
    if (map) {
      map.on("click", function (p) {
        if (!p.data || !p.data.code) return;
        if (HOME_LEVEL === "city") go(p.data.code === state.region ? HOME : p.data.code);
      });
    }
    chart("d-areas").on("click", function (p) {
      if (p.data && p.data.code && p.data.code !== state.region) go(p.data.code);
    });
    $("d-back").addEventListener("click", function () {
      var up = levelOf(state.region) === "township" && HOME_LEVEL === "city" ? countyOf(state.region) : HOME;
      go(up);
    });
    $("d-metric").addEventListener("change", function (e) {
      state.metric = e.target.value;
      renderMap(data.geo);
      renderAreas(data.map);
    });
    root.querySelectorAll("[data-grain]").forEach(function (button) {
      button.addEventListener("click", function () {
        state.grain = button.dataset.grain;
        root.querySelectorAll("[data-grain]").forEach(function (b) {
          b.setAttribute("aria-pressed", String(b === button));
        });
        renderTrend(data.trend);
      });
    });
    $("d-by").addEventListener("change", function (e) { state.by = e.target.value; load(); });
    $("d-sort").addEventListener("change", function (e) { state.sort = e.target.value; load(); });
    $("d-preset").addEventListener("change", function (e) {
      if (!e.target.value) return;
      preset(e.target.value);
      load();
    });
    $("d-period").addEventListener("submit", function (e) {
      e.preventDefault();
      state.from = $("d-from").value || state.from;
      state.to = $("d-to").value || state.to;
      $("d-preset").value = "";
      load();
    });
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (id) { charts[id].resize(); });
    });
    setInterval(function () { if (!document.hidden) load(); }, REFRESH_MS);
  }

  function loadGeo() {
    if (!$("d-map")) return Promise.resolve();
    return fetch(GEO_URL, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (geo) {
        if (HOME_LEVEL === "county") {
          geo = { type: geo.type, features: geo.features.filter(function (f) {
            return String(f.properties.adcode) === HOME.slice(0, 6);
          }) };
        }
        echarts.registerMap("chenzhou", geo);
        mapReady = true;
        renderMap(data.geo);
      });
  }

  bind();
  render(data);
  loadGeo();
  // For tests and the curious: the live state.
  window.jieyouDashboard = { state: state, charts: charts, load: load, data: function () { return data; } };
})();
