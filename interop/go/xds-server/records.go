package main

import (
	"encoding/json"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protojson"
)

// The JSON shapes served by GET /requests and GET /responses. Field names follow protojson's
// lowerCamelCase so they read like the messages they summarise.

// streamInfo says which stream a message travelled on.
type streamInfo struct {
	Stream   string `json:"stream"`   // "sotw" or "delta"
	StreamID int64  `json:"streamId"` // go-control-plane's id, counted separately for sotw and delta
	ADS      bool   `json:"ads"`      // aggregated stream, or one of the per-type services
	NodeID   string `json:"nodeId"`   // from the first request of the stream that carried a node
}

type errorDetail struct {
	Code    int32  `json:"code"`
	Message string `json:"message"`
}

type requestCommon struct {
	streamInfo
	TypeURL       string          `json:"typeUrl"`
	ResponseNonce string          `json:"responseNonce"`
	ErrorDetail   *errorDetail    `json:"errorDetail"` // null on ACKs and subscriptions
	Node          json.RawMessage `json:"node"`        // the node as sent (protojson), or null when absent
}

type sotwRequestRecord struct {
	requestCommon
	VersionInfo   string   `json:"versionInfo"`
	ResourceNames []string `json:"resourceNames"`
}

type deltaRequestRecord struct {
	requestCommon
	Subscribe               []string          `json:"subscribe"`
	Unsubscribe             []string          `json:"unsubscribe"`
	InitialResourceVersions map[string]string `json:"initialResourceVersions"`
}

// responseRecord lets a test match a request's nonce to the response it answers.
type responseRecord struct {
	streamInfo
	TypeURL          string   `json:"typeUrl"`
	VersionInfo      string   `json:"versionInfo"` // system_version_info on delta streams
	Nonce            string   `json:"nonce"`
	Resources        []string `json:"resources"`        // names of the resources sent
	RemovedResources []string `json:"removedResources"` // delta only
}

func newRequestCommon(info streamInfo, typeURL, nonce string, detail *status.Status, node *core.Node) requestCommon {
	c := requestCommon{streamInfo: info, TypeURL: typeURL, ResponseNonce: nonce, Node: json.RawMessage("null")}
	if detail != nil {
		c.ErrorDetail = &errorDetail{Code: detail.GetCode(), Message: detail.GetMessage()}
	}
	if node != nil {
		if b, err := protojson.Marshal(node); err == nil {
			c.Node = b
		}
	}
	return c
}

func newSotwRequestRecord(info streamInfo, req *discovery.DiscoveryRequest, wireNode *core.Node) sotwRequestRecord {
	return sotwRequestRecord{
		requestCommon: newRequestCommon(info, req.GetTypeUrl(), req.GetResponseNonce(), req.GetErrorDetail(), wireNode),
		VersionInfo:   req.GetVersionInfo(),
		ResourceNames: nonNil(req.GetResourceNames()),
	}
}

func newDeltaRequestRecord(info streamInfo, req *discovery.DeltaDiscoveryRequest) deltaRequestRecord {
	versions := req.GetInitialResourceVersions()
	if versions == nil {
		versions = map[string]string{}
	}
	return deltaRequestRecord{
		requestCommon:           newRequestCommon(info, req.GetTypeUrl(), req.GetResponseNonce(), req.GetErrorDetail(), req.GetNode()),
		Subscribe:               nonNil(req.GetResourceNamesSubscribe()),
		Unsubscribe:             nonNil(req.GetResourceNamesUnsubscribe()),
		InitialResourceVersions: versions,
	}
}

func newSotwResponseRecord(info streamInfo, resp *discovery.DiscoveryResponse) responseRecord {
	names := []string{}
	for _, a := range resp.GetResources() {
		if msg, err := a.UnmarshalNew(); err == nil {
			names = append(names, cache.GetResourceName(msg))
		}
	}
	return responseRecord{
		streamInfo:       info,
		TypeURL:          resp.GetTypeUrl(),
		VersionInfo:      resp.GetVersionInfo(),
		Nonce:            resp.GetNonce(),
		Resources:        names,
		RemovedResources: []string{},
	}
}

func newDeltaResponseRecord(info streamInfo, resp *discovery.DeltaDiscoveryResponse) responseRecord {
	names := []string{}
	for _, r := range resp.GetResources() {
		names = append(names, r.GetName())
	}
	return responseRecord{
		streamInfo:       info,
		TypeURL:          resp.GetTypeUrl(),
		VersionInfo:      resp.GetSystemVersionInfo(),
		Nonce:            resp.GetNonce(),
		Resources:        names,
		RemovedResources: nonNil(resp.GetRemovedResources()),
	}
}

// nonNil keeps empty lists as [] in JSON, so clients need not handle null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
