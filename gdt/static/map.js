/* The maps of templates/map/ (Leaflet, vendored in static/vendor/leaflet). No inline script (CSP): settings and data
   come from data- attributes or, for the coordinators' map, from its JSON endpoint. The map is never the only way:
   each page holds the same information as a table or a list, and a text summary says what the map shows. */
(function () {
  "use strict";
  if (!window.L) { return; }
  var EINDHOVEN = [51.4416, 5.4697];

  function text(tag, value, className) {
    var element = document.createElement(tag);
    element.textContent = value;
    if (className) { element.className = className; }
    return element;
  }

  function baseMap(element, options) {
    var map = L.map(element, options || {});
    map.attributionControl.setPrefix(false);
    if (element.dataset.tiles) {
      var layer = L.tileLayer(element.dataset.tiles, { maxZoom: 19, minZoom: 7, crossOrigin: false });
      map.attributionControl.addAttribution(text("span", element.dataset.attribution || "").outerHTML);
      layer.addTo(map);
    }
    return map;
  }

  // A small map on the report and case pages: the address(es) only, not interactive (the text says it all).
  function pointsMap(element) {
    var points = JSON.parse(element.dataset.points || "[]");
    var map = baseMap(element, { zoomControl: false, keyboard: false, dragging: false, scrollWheelZoom: false,
      doubleClickZoom: false, boxZoom: false, touchZoom: false });
    var latlngs = points.map(function (point) { return [point.lat, point.lon]; });
    latlngs.forEach(function (latlng, index) {
      L.marker(latlng, { keyboard: false, interactive: false, alt: points[index].label }).addTo(map);
    });
    if (latlngs.length === 1) { map.setView(latlngs[0], 17); }
    else { map.fitBounds(L.latLngBounds(latlngs), { padding: [24, 24], maxZoom: 17 }); }
  }

  function groupIcon(count) {
    var size = count < 10 ? 32 : count < 100 ? 38 : count < 1000 ? 46 : 54;
    return L.divIcon({ html: text("span", String(count)).outerHTML, className: "gdt-map-group",
      iconSize: [size, size] });
  }

  // The coordinators' map: groups made by the server for the part in view, merged further by markercluster.
  function clustersMap(element) {
    var summary = document.getElementById("map-summary");
    var viewLink = document.getElementById("map-view-link");
    var map = baseMap(element, { scrollWheelZoom: false });
    map.setView(EINDHOVEN, 13);
    var layer = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 40, spiderfyOnMaxZoom: true,
      iconCreateFunction: function (cluster) {
        return groupIcon(cluster.getAllChildMarkers().reduce(function (sum, marker) {
          return sum + marker.options.count;
        }, 0));
      }
    }).addTo(map);
    var groupLabel = element.dataset.groupLabel || "";
    var fitted = false;
    var sequence = 0;

    function markerFor(item) {
      if (item.count > 1) {
        var group = L.marker([item.lat, item.lon], { icon: groupIcon(item.count), count: item.count,
          title: item.count + " " + groupLabel });
        group.on("click", function () { map.setView(group.getLatLng(), Math.min(map.getZoom() + 2, 19)); });
        return group;
      }
      var marker = L.marker([item.lat, item.lon], { count: 1, alt: item.reference,
        title: [item.reference, item.category, item.status].join(" · ") });
      var popup = document.createElement("p");
      var link = text("a", item.reference, "utrecht-link");
      link.href = item.url;
      popup.appendChild(link);
      popup.appendChild(text("span", " · " + item.category + " · " + item.status));
      return marker.bindPopup(popup);
    }

    function showViewLink() {
      if (!viewLink || !element.dataset.tableUrl) { return; }
      var url = new URL(element.dataset.tableUrl, window.location.href);
      url.searchParams.set("gebied", map.getBounds().toBBoxString());
      url.searchParams.delete("page");
      var link = text("a", element.dataset.viewLabel, "utrecht-link");
      link.href = url.pathname + url.search + "#table-heading";
      viewLink.replaceChildren(link);
    }

    function load(withView) {
      var url = new URL(element.dataset.source, window.location.href);
      if (withView) { url.searchParams.set("gebied", map.getBounds().toBBoxString()); }
      var mine = ++sequence;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          if (mine !== sequence) { return; }
          layer.clearLayers();
          layer.addLayers(data.markers.map(markerFor));
          summary.textContent = data.summary;
          element.dataset.loaded = String(data.markers.length);
          if (!fitted) {
            fitted = true;
            if (data.markers.length) {
              map.fitBounds(L.latLngBounds(data.markers.map(function (m) { return [m.lat, m.lon]; })),
                { padding: [32, 32], maxZoom: 16 });
            }
          }
          showViewLink();
        })
        .catch(function () { summary.textContent = element.dataset.failed || ""; });
    }

    var timer = null;
    map.on("moveend", function () {
      if (!fitted) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { load(true); }, 250);
    });
    if (element.dataset.bbox || element.dataset.focus) {
      if (element.dataset.bbox) {
        var box = element.dataset.bbox.split(",").map(Number);
        map.fitBounds([[box[1], box[0]], [box[3], box[2]]]);
      } else {
        map.setView(element.dataset.focus.split(",").map(Number), 17);
      }
      fitted = true;
      load(true);
    } else {
      load(false);
    }
  }

  // The managers' heat map: a circle per buurt, its size and depth by count, the count written on it.
  function buurtenMap(element) {
    var cells = JSON.parse(element.dataset.cells || "[]");
    var highest = Number(element.dataset.highest) || 1;
    var map = baseMap(element, { scrollWheelZoom: false });
    map.setView(EINDHOVEN, 12);
    var shapes = cells.map(function (cell) {
      var share = cell.count / highest;
      return L.circleMarker([cell.lat, cell.lon], { radius: 10 + 22 * Math.sqrt(share), color: "#7a2e00",
        weight: 1, fillColor: "#c2410c", fillOpacity: 0.2 + 0.5 * share, interactive: false })
        .bindTooltip(text("span", cell.label + ": " + cell.count), { permanent: true, direction: "center",
          className: "gdt-map-label" })
        .addTo(map);
    });
    if (shapes.length) { map.fitBounds(L.featureGroup(shapes).getBounds(), { padding: [40, 40], maxZoom: 15 }); }
  }

  var kinds = { points: pointsMap, clusters: clustersMap, buurten: buurtenMap };
  document.querySelectorAll("[data-map]").forEach(function (element) {
    var build = kinds[element.dataset.map];
    if (build) { build(element); }
  });
}());
