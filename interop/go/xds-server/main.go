// xds-server is a real xDS control plane built on envoyproxy/go-control-plane, used by the tests as
// an independent peer for our TypeScript xDS client. It serves ADS (state of the world and delta)
// and the per-type discovery services from a snapshot cache driven over a small HTTP admin API,
// and records every request so tests can check ACK/NACK behaviour. See README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	clusterservice "github.com/envoyproxy/go-control-plane/envoy/service/cluster/v3"
	discoverygrpc "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	endpointservice "github.com/envoyproxy/go-control-plane/envoy/service/endpoint/v3"
	listenerservice "github.com/envoyproxy/go-control-plane/envoy/service/listener/v3"
	routeservice "github.com/envoyproxy/go-control-plane/envoy/service/route/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	xdslog "github.com/envoyproxy/go-control-plane/pkg/log"
	"github.com/envoyproxy/go-control-plane/pkg/server/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"
)

func main() {
	port := flag.Int("port", 0, "xDS gRPC port on 127.0.0.1 (0 picks a free one)")
	adminPort := flag.Int("admin-port", 0, "admin HTTP port on 127.0.0.1 (0 picks a free one)")
	adsConsistent := flag.Bool("ads-consistent", false,
		"go-control-plane's ADS mode: answer a request only once every resource it names exists")
	verbose := flag.Bool("verbose", false, "log every request and go-control-plane's debug messages")
	flag.Parse()
	log.SetOutput(os.Stderr)
	log.SetPrefix("xds-server: ")
	log.SetFlags(log.Lmicroseconds)

	if err := run(*port, *adminPort, *adsConsistent, *verbose); err != nil {
		log.Fatal(err)
	}
}

func run(port, adminPort int, adsConsistent, verbose bool) error {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	// Consistency is off by default: go-control-plane then answers with whatever subset of the named
	// resources exists, as a control plane whose config has a dangling reference does.
	snapCache := cache.NewSnapshotCache(adsConsistent, cache.IDHash{}, cacheLogger(verbose))
	snapshots := newNodeSnapshots(snapCache)
	wire := newWireNodes()
	rec := newRecorder(snapshots, wire, verbose)
	xds := server.NewServer(ctx, snapCache, rec)

	grpcServer := grpc.NewServer(
		grpc.StreamInterceptor(wire.interceptor()),
		// Clients (ours included) may ping often on an idle ADS stream; do not GOAWAY them for it.
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: time.Second, PermitWithoutStream: true}),
	)
	discoverygrpc.RegisterAggregatedDiscoveryServiceServer(grpcServer, xds)
	listenerservice.RegisterListenerDiscoveryServiceServer(grpcServer, xds)
	routeservice.RegisterRouteDiscoveryServiceServer(grpcServer, xds)
	clusterservice.RegisterClusterDiscoveryServiceServer(grpcServer, xds)
	endpointservice.RegisterEndpointDiscoveryServiceServer(grpcServer, xds)

	xdsListener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return fmt.Errorf("xds listen: %w", err)
	}
	adminListener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", adminPort))
	if err != nil {
		return fmt.Errorf("admin listen: %w", err)
	}
	admin := &http.Server{Handler: adminHandler(snapshots, rec, cancel), ReadHeaderTimeout: 10 * time.Second}

	errs := make(chan error, 2)
	go func() { errs <- grpcServer.Serve(xdsListener) }()
	go func() { errs <- admin.Serve(adminListener) }()

	// The readiness line the test helper waits for: both listeners are bound and serving.
	fmt.Printf("xds-server listening xds=%d admin=%d\n",
		xdsListener.Addr().(*net.TCPAddr).Port, adminListener.Addr().(*net.TCPAddr).Port)

	select {
	case <-ctx.Done():
	case err := <-errs:
		return err
	}
	log.Print("shutting down")
	// Stop, not GracefulStop: ADS streams never end on their own, and a test restarting the server
	// wants its clients to see the connection drop now.
	grpcServer.Stop()
	shutdownCtx, done := context.WithTimeout(context.Background(), 2*time.Second)
	defer done()
	_ = admin.Shutdown(shutdownCtx)
	return nil
}

// cacheLogger sends go-control-plane's warnings and errors to stderr, and its debug chatter too
// with --verbose.
func cacheLogger(verbose bool) xdslog.Logger {
	quiet := func(string, ...any) {}
	debug := quiet
	if verbose {
		debug = log.Printf
	}
	return xdslog.LoggerFuncs{DebugFunc: debug, InfoFunc: debug, WarnFunc: log.Printf, ErrorFunc: log.Printf}
}
