package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/anypb"
)

// snapshotTypes are the resource types a snapshot may hold: the four a gRPC proxyless client asks for.
var snapshotTypes = []resource.Type{
	resource.ListenerType,
	resource.RouteType,
	resource.ClusterType,
	resource.EndpointType,
}

// snapshotBody is the JSON body of PUT /snapshot.
type snapshotBody struct {
	Version   string            `json:"version"`
	Resources []json.RawMessage `json:"resources"`
}

// decodeSnapshot turns a PUT /snapshot body into a go-control-plane snapshot. It checks the JSON
// strictly (unknown fields, unresolvable "@type", wrong types are errors) but deliberately does not
// check consistency or run the resources' validate rules: tests send dangling references and
// resources a client must NACK on purpose.
func decodeSnapshot(r io.Reader) (*cache.Snapshot, error) {
	var body snapshotBody
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("snapshot body: %w", err)
	}
	if dec.More() {
		return nil, errors.New("snapshot body: trailing data after the JSON object")
	}
	if body.Version == "" {
		return nil, errors.New("snapshot body: version is required (clients echo it in ACKs)")
	}

	// Every type gets the version even when it has no resources, so a client subscribed to a type
	// the snapshot leaves empty gets an empty response (LDS/CDS: "does not exist") instead of silence.
	byType := make(map[resource.Type][]types.Resource, len(snapshotTypes))
	for _, t := range snapshotTypes {
		byType[t] = []types.Resource{}
	}
	seen := make(map[string]bool)
	for i, raw := range body.Resources {
		res, typeURL, err := decodeResource(raw)
		if err != nil {
			return nil, fmt.Errorf("resources[%d]: %w", i, err)
		}
		name := cache.GetResourceName(res)
		key := typeURL + "/" + name
		if seen[key] {
			return nil, fmt.Errorf("resources[%d]: duplicate %s named %q", i, typeURL, name)
		}
		seen[key] = true
		byType[typeURL] = append(byType[typeURL], res)
	}
	return cache.NewSnapshot(body.Version, byType)
}

// decodeResource reads one protojson resource with "@type" into its Envoy message.
func decodeResource(raw json.RawMessage) (types.Resource, resource.Type, error) {
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, "", errors.New("resource is empty")
	}
	var wrapped anypb.Any
	// protojson rejects unknown fields by default; its resolver is protoregistry.GlobalTypes, which
	// knows every message registered by the imports in envoy_types.go.
	if err := protojson.Unmarshal(raw, &wrapped); err != nil {
		return nil, "", err
	}
	typeURL := wrapped.GetTypeUrl()
	if !isSnapshotType(typeURL) {
		return nil, "", fmt.Errorf("@type %q is not one of %v", typeURL, snapshotTypes)
	}
	msg, err := wrapped.UnmarshalNew()
	if err != nil {
		return nil, "", err
	}
	return msg, typeURL, nil
}

func isSnapshotType(typeURL string) bool {
	for _, t := range snapshotTypes {
		if t == typeURL {
			return true
		}
	}
	return false
}
