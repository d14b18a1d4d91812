// Package deployments holds what starts floorwatch outside this
// repository's own scripts: the container image (Dockerfile), the compose
// file for a laptop with Docker, and the Kubernetes manifests (k8s/). Its
// tests check them offline: the compose file and the image against the
// configuration they run, the rendered Kubernetes overlays against the
// Kubernetes and KEDA schemas in testdata.
package deployments
