package main

import (
	"sync"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/grpc"
)

// go-control-plane's SotW server copies the stream's node into every request that omits it before
// OnStreamRequest runs, so the callback cannot tell whether the client sent a node. This gRPC
// interceptor sees each request as it comes off the wire and notes the node it carried (or nil),
// keyed by the request pointer that the server then hands to the callback.
type wireNodes struct {
	mu    sync.Mutex
	nodes map[*discovery.DiscoveryRequest]*core.Node
}

func newWireNodes() *wireNodes {
	return &wireNodes{nodes: map[*discovery.DiscoveryRequest]*core.Node{}}
}

// take returns the node the request carried on the wire and forgets the request.
func (w *wireNodes) take(req *discovery.DiscoveryRequest) (node *core.Node, found bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	node, found = w.nodes[req]
	delete(w.nodes, req)
	return node, found
}

// note records the node a request carried. A request the server rejects before the callback (no
// type URL on ADS) ends its stream and leaves one small entry behind: harmless in a test server.
func (w *wireNodes) note(req *discovery.DiscoveryRequest) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.nodes[req] = req.GetNode()
}

func (w *wireNodes) interceptor() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		return handler(srv, &nodeSpyStream{ServerStream: ss, nodes: w})
	}
}

type nodeSpyStream struct {
	grpc.ServerStream
	nodes *wireNodes
}

func (s *nodeSpyStream) RecvMsg(m any) error {
	err := s.ServerStream.RecvMsg(m)
	if req, ok := m.(*discovery.DiscoveryRequest); ok && err == nil {
		s.nodes.note(req)
	}
	return err
}
