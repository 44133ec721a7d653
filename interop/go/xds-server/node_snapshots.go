package main

import (
	"context"
	"sync"

	"github.com/envoyproxy/go-control-plane/pkg/cache/v3"
)

// defaultNode is the node "id" of PUT /snapshot?node=* : the snapshot for every node without its own.
const defaultNode = "*"

// nodeSnapshots sits in front of go-control-plane's SnapshotCache, which only knows snapshots per
// node id, and adds a default snapshot. The default is copied to each node without its own snapshot:
// to the nodes already seen when it is set, and to a new node when its first request arrives
// (the request callback runs before the server opens the cache watch, so that watch finds it).
type nodeSnapshots struct {
	cache cache.SnapshotCache

	mu       sync.Mutex
	fallback *cache.Snapshot // the "*" snapshot, nil until set
	explicit map[string]bool // nodes with a snapshot of their own
	known    map[string]bool // nodes that have sent a request
}

func newNodeSnapshots(c cache.SnapshotCache) *nodeSnapshots {
	return &nodeSnapshots{cache: c, explicit: map[string]bool{}, known: map[string]bool{}}
}

// set stores a snapshot for one node, or as the default when node is "*".
func (n *nodeSnapshots) set(node string, snap *cache.Snapshot) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if node != defaultNode {
		n.explicit[node] = true
		return n.cache.SetSnapshot(context.Background(), node, snap)
	}
	n.fallback = snap
	for id := range n.known {
		if n.explicit[id] {
			continue
		}
		if err := n.cache.SetSnapshot(context.Background(), id, snap); err != nil {
			return err
		}
	}
	return nil
}

// seen is called for every request; it gives a node seen for the first time the default snapshot.
func (n *nodeSnapshots) seen(node string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.known[node] {
		return
	}
	n.known[node] = true
	if n.fallback != nil && !n.explicit[node] {
		// SetSnapshot only fails for a nil snapshot; the fallback is never nil here.
		_ = n.cache.SetSnapshot(context.Background(), node, n.fallback)
	}
}
