package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
)

// maxSnapshotBody bounds PUT /snapshot bodies; test snapshots are a few KiB.
const maxSnapshotBody = 16 << 20

// adminHandler serves the HTTP API tests use to drive the server (see README.md).
func adminHandler(snapshots *nodeSnapshots, rec *recorder, shutdown func()) http.Handler {
	mux := http.NewServeMux()

	mux.HandleFunc("PUT /snapshot", func(w http.ResponseWriter, req *http.Request) {
		node, ok := nodeParam(w, req)
		if !ok {
			return
		}
		snap, err := decodeSnapshot(http.MaxBytesReader(w, req.Body, maxSnapshotBody))
		if err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		if err := snapshots.set(node, snap); err != nil {
			writeError(w, http.StatusInternalServerError, err)
			return
		}
		log.Printf("snapshot %q set for node %q", snap.GetVersion(snapshotTypes[0]), node)
		writeJSON(w, map[string]string{"node": node, "version": snap.GetVersion(snapshotTypes[0])})
	})

	mux.HandleFunc("GET /requests", func(w http.ResponseWriter, req *http.Request) {
		serveLog(w, req, rec.requestsJSON)
	})

	// The responses sent, so a test can tie the nonce of an ACK or NACK to the response it answers.
	mux.HandleFunc("GET /responses", func(w http.ResponseWriter, req *http.Request) {
		serveLog(w, req, rec.responsesJSON)
	})

	mux.HandleFunc("GET /connections", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, rec.openADSStreams())
	})

	mux.HandleFunc("POST /shutdown", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]bool{"ok": true})
		// Answer first, then stop: the caller should see a reply, not a reset connection.
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		go shutdown()
	})

	return mux
}

// serveLog serves one node's records (?node=ID), or every node's (?node=* or no node parameter).
func serveLog(w http.ResponseWriter, req *http.Request, records func(string) ([]byte, error)) {
	node := defaultNode
	if req.URL.Query().Has("node") {
		node = req.URL.Query().Get("node")
	}
	body, err := records(node)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// nodeParam reads the ?node= of PUT /snapshot, which is required: a node id, or "*" for the default.
// An empty value is allowed: it is the id go-control-plane gives clients that send no node.
func nodeParam(w http.ResponseWriter, req *http.Request) (string, bool) {
	if !req.URL.Query().Has("node") {
		writeError(w, http.StatusBadRequest, fmt.Errorf("query parameter node is required (a node id, or * for all)"))
		return "", false
	}
	return req.URL.Query().Get("node"), true
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}
