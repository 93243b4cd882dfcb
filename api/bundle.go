package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/pkg/bundle"
)

// getBundle returns an election's results bundle (tar.gz, signed with the service key):
// public once certified, to officers and auditors once counted. It is built in memory first,
// so that a failure halfway is still a clean error, never a truncated file.
func (s *Server) getBundle(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if len(s.opts.BundleKey) == 0 {
		return fmt.Errorf("results bundle of election %d: the server has no signing key (api.Options.BundleKey)", id)
	}
	actor, err := s.viewer(c)
	if err != nil {
		return err
	}
	d, err := s.svc.ElectionBundle(c.Request().Context(), actor, id)
	if err != nil {
		return err
	}
	if d.CharterDoc != nil {
		if d.Charter, err = json.Marshal(toCharterResponse(d.CharterDoc)); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := bundle.Write(&buf, d, s.opts.BundleKey); err != nil {
		return fmt.Errorf("results bundle of election %d: %w", id, err)
	}
	attachment(c, fmt.Sprintf("election-%d-bundle.tar.gz", id))
	return c.Blob(http.StatusOK, "application/gzip", buf.Bytes())
}
