// A minimal ADS server on go-control-plane, for the fan-out comparison in
// bench/fanout-vs-go-control-plane.bench.ts. It serves one snapshot to every
// node whose node.cluster is the bench Gateway, reads each new snapshot from
// stdin (one JSON line: Any-packed resources and a version per type, so that
// a type whose resources did not change keeps its version and is not pushed
// again, as switchyard's per-type versions do), and prints
// "acked <n>" once every stream has ACKed the new RouteConfiguration version.
package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/envoyproxy/go-control-plane/pkg/server/v3"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/anypb"

	// Registers the resource types that the snapshot's Any values name.
	_ "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// byCluster keys snapshots by node.cluster, as switchyard does (the Gateway's namespace/name).
type byCluster struct{}

func (byCluster) ID(n *core.Node) string { return n.GetCluster() }

type input struct {
	Key       string              `json:"key"`
	Versions  map[string]string   `json:"versions"`  // type URL -> version
	Await     bool                `json:"await"`     // report when every stream has ACKed this RouteConfiguration
	Resources map[string][]string `json:"resources"` // type URL -> base64 of Any-packed resources
}

type ackCounter struct {
	mu      sync.Mutex
	version string
	want    int
	seen    map[int64]bool
}

func (a *ackCounter) expect(version string, want int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.version, a.want, a.seen = version, want, map[int64]bool{}
}

func (a *ackCounter) request(stream int64, r *discovery.DiscoveryRequest) {
	if r.GetTypeUrl() != resource.RouteType || r.GetResponseNonce() == "" || r.GetErrorDetail() != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.want == 0 || r.GetVersionInfo() != a.version || a.seen[stream] {
		return
	}
	a.seen[stream] = true
	if len(a.seen) == a.want {
		fmt.Printf("acked %d\n", a.want)
		a.want = 0
	}
}

func main() {
	streams, _ := strconv.Atoi(os.Getenv("STREAMS"))
	ctx := context.Background()
	snapshots := cache.NewSnapshotCache(true, byCluster{}, nil)
	acks := &ackCounter{}
	callbacks := server.CallbackFuncs{
		StreamRequestFunc: func(id int64, r *discovery.DiscoveryRequest) error {
			acks.request(id, r)
			return nil
		},
	}
	srv := server.NewServer(ctx, snapshots, callbacks)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	g := grpc.NewServer(grpc.MaxConcurrentStreams(1 << 20))
	discovery.RegisterAggregatedDiscoveryServiceServer(g, srv)
	go func() { _ = g.Serve(lis) }()
	fmt.Printf("port %d\n", lis.Addr().(*net.TCPAddr).Port)

	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<30)
	for in.Scan() {
		var msg input
		if err := json.Unmarshal(in.Bytes(), &msg); err != nil {
			fmt.Fprintln(os.Stderr, "bad input:", err)
			os.Exit(1)
		}
		byType := map[resource.Type][]types.Resource{}
		for typeURL, items := range msg.Resources {
			for _, b64 := range items {
				raw, err := base64.StdEncoding.DecodeString(b64)
				if err != nil {
					fmt.Fprintln(os.Stderr, "bad base64:", err)
					os.Exit(1)
				}
				m, err := (&anypb.Any{TypeUrl: typeURL, Value: raw}).UnmarshalNew()
				if err != nil {
					fmt.Fprintln(os.Stderr, "bad resource:", err)
					os.Exit(1)
				}
				byType[typeURL] = append(byType[typeURL], m.(types.Resource))
			}
		}
		snap := &cache.Snapshot{}
		for typeURL, items := range byType {
			snap.Resources[cache.GetResponseType(typeURL)] = cache.NewResources(msg.Versions[typeURL], items)
		}
		if msg.Await {
			acks.expect(msg.Versions[resource.RouteType], streams)
		}
		if err := snapshots.SetSnapshot(ctx, msg.Key, snap); err != nil {
			fmt.Fprintln(os.Stderr, "set snapshot:", err)
			os.Exit(1)
		}
		fmt.Printf("set %s\n", msg.Versions[resource.RouteType])
	}
}
