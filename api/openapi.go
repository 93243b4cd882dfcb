package api

import (
	_ "embed"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPISource is the OpenAPI 3 document of the routes, written by hand next to the route
// table; TestOpenAPICoversRouteTable fails when the two disagree.
//
//go:embed openapi.json
var openAPISource []byte

// openAPIDocument returns the document with info.version set to version (when not empty).
func openAPIDocument(version string) []byte {
	if version == "" {
		return openAPISource
	}
	var doc map[string]any
	if err := json.Unmarshal(openAPISource, &doc); err != nil {
		panic("api: embedded openapi.json: " + err.Error()) // a test loads it on every run
	}
	if info, ok := doc["info"].(map[string]any); ok {
		info["version"] = version
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic("api: embedded openapi.json: " + err.Error())
	}
	return b
}

// openAPI serves the OpenAPI document.
func (s *Server) openAPI(c echo.Context) error {
	return c.JSONBlob(http.StatusOK, s.openapi)
}
