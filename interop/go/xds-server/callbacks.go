package main

import (
	"context"
	"encoding/json"
	"log"
	"sync"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
)

type streamKey struct {
	kind string // "sotw" or "delta": go-control-plane numbers the two kinds of stream separately
	id   int64
}

// sentResponse is the last response of one type on one stream.
type sentResponse struct{ nonce, version string }

// recorder implements go-control-plane's server.Callbacks: it logs every request and response per
// node for the admin API, counts open ADS streams, and gives new nodes the default snapshot.
type recorder struct {
	snapshots *nodeSnapshots
	wire      *wireNodes
	verbose   bool

	mu        sync.Mutex
	streams   map[streamKey]*streamInfo
	sent      map[streamKey]map[string]sentResponse // per stream, per type URL
	requests  []nodeRecord
	responses []nodeRecord
	openADS   int
}

// nodeRecord is a request or response record with the node it belongs to, for filtering.
type nodeRecord struct {
	node   string
	record any
}

func newRecorder(snapshots *nodeSnapshots, wire *wireNodes, verbose bool) *recorder {
	return &recorder{
		snapshots: snapshots,
		wire:      wire,
		verbose:   verbose,
		streams:   map[streamKey]*streamInfo{},
		sent:      map[streamKey]map[string]sentResponse{},
	}
}

func (r *recorder) open(key streamKey, typeURL string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ads := typeURL == resource.AnyType
	r.streams[key] = &streamInfo{Stream: key.kind, StreamID: key.id, ADS: ads}
	r.sent[key] = map[string]sentResponse{}
	if ads {
		r.openADS++
	}
}

func (r *recorder) close(key streamKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if info, ok := r.streams[key]; ok && info.ADS {
		r.openADS--
	}
	delete(r.streams, key)
	delete(r.sent, key)
}

// info returns the stream's info, adopting the node id from the first request that carries a node.
// Callers hold r.mu.
func (r *recorder) info(key streamKey, node *core.Node) streamInfo {
	info, ok := r.streams[key]
	if !ok { // cannot happen: the server opens a stream before its first request
		info = &streamInfo{Stream: key.kind, StreamID: key.id}
		r.streams[key] = info
	}
	if node != nil && info.NodeID == "" {
		info.NodeID = node.GetId()
	}
	return *info
}

func (r *recorder) OnStreamOpen(_ context.Context, id int64, typeURL string) error {
	r.open(streamKey{"sotw", id}, typeURL)
	return nil
}

func (r *recorder) OnStreamClosed(id int64, _ *core.Node) { r.close(streamKey{"sotw", id}) }

func (r *recorder) OnDeltaStreamOpen(_ context.Context, id int64, typeURL string) error {
	r.open(streamKey{"delta", id}, typeURL)
	return nil
}

func (r *recorder) OnDeltaStreamClosed(id int64, _ *core.Node) { r.close(streamKey{"delta", id}) }

func (r *recorder) OnStreamRequest(id int64, req *discovery.DiscoveryRequest) error {
	key := streamKey{"sotw", id}
	wireNode, found := r.wire.take(req)
	if !found { // not seen by the interceptor; the server may have filled the node in
		wireNode = req.GetNode()
	}

	r.mu.Lock()
	// The server already put the stream's node into req, so req.Node names the stream's node.
	info := r.info(key, req.GetNode())
	rec := newSotwRequestRecord(info, req, wireNode)
	r.requests = append(r.requests, nodeRecord{info.NodeID, rec})
	// go-control-plane's cache answers any request whose version differs from the snapshot's, and a
	// NACK carries the last *accepted* version: it would resend the rejected response at once, and
	// the client would NACK it again, forever. Like istiod and grpc-js-xds's test server, hold the
	// NACKed version instead (the next snapshot is sent as usual): the cache is told that the client
	// has the version of the response the NACK answers. The record above keeps what was sent.
	if req.GetErrorDetail() != nil {
		if last, ok := r.sent[key][req.GetTypeUrl()]; ok && last.nonce == req.GetResponseNonce() {
			req.VersionInfo = last.version
		}
	}
	r.mu.Unlock()

	r.logf("sotw stream %d node %q %s version %q nonce %q names %v nack %v",
		id, info.NodeID, req.GetTypeUrl(), rec.VersionInfo, rec.ResponseNonce, rec.ResourceNames, rec.ErrorDetail != nil)
	r.snapshots.seen(info.NodeID)
	return nil
}

func (r *recorder) OnStreamResponse(_ context.Context, id int64, _ *discovery.DiscoveryRequest, resp *discovery.DiscoveryResponse) {
	key := streamKey{"sotw", id}
	r.mu.Lock()
	defer r.mu.Unlock()
	info := r.info(key, nil)
	if sent, ok := r.sent[key]; ok {
		sent[resp.GetTypeUrl()] = sentResponse{nonce: resp.GetNonce(), version: resp.GetVersionInfo()}
	}
	r.responses = append(r.responses, nodeRecord{info.NodeID, newSotwResponseRecord(info, resp)})
}

func (r *recorder) OnStreamDeltaRequest(id int64, req *discovery.DeltaDiscoveryRequest) error {
	key := streamKey{"delta", id}
	r.mu.Lock()
	// The delta server runs this callback before it fills in a missing node, so req.Node is as sent.
	info := r.info(key, req.GetNode())
	rec := newDeltaRequestRecord(info, req)
	r.requests = append(r.requests, nodeRecord{info.NodeID, rec})
	r.mu.Unlock()

	r.logf("delta stream %d node %q %s nonce %q +%v -%v nack %v",
		id, info.NodeID, req.GetTypeUrl(), rec.ResponseNonce, rec.Subscribe, rec.Unsubscribe, rec.ErrorDetail != nil)
	r.snapshots.seen(info.NodeID)
	return nil
}

func (r *recorder) OnStreamDeltaResponse(id int64, _ *discovery.DeltaDiscoveryRequest, resp *discovery.DeltaDiscoveryResponse) {
	key := streamKey{"delta", id}
	r.mu.Lock()
	defer r.mu.Unlock()
	info := r.info(key, nil)
	r.responses = append(r.responses, nodeRecord{info.NodeID, newDeltaResponseRecord(info, resp)})
}

// The REST (fetch) endpoints are not served; these complete the Callbacks interface.
func (r *recorder) OnFetchRequest(context.Context, *discovery.DiscoveryRequest) error         { return nil }
func (r *recorder) OnFetchResponse(*discovery.DiscoveryRequest, *discovery.DiscoveryResponse) {}

// requestsJSON and responsesJSON serve the logs of one node, or of all nodes for "*".
func (r *recorder) requestsJSON(node string) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return filterJSON(r.requests, node)
}

func (r *recorder) responsesJSON(node string) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return filterJSON(r.responses, node)
}

func filterJSON(records []nodeRecord, node string) ([]byte, error) {
	out := []any{}
	for _, rec := range records {
		if node == defaultNode || rec.node == node {
			out = append(out, rec.record)
		}
	}
	return json.Marshal(out)
}

func (r *recorder) openADSStreams() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.openADS
}

func (r *recorder) logf(format string, args ...any) {
	if r.verbose {
		log.Printf(format, args...)
	}
}
