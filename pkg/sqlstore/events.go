package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/govboard/govboard/elections"
)

// eventRow is a row of the audit_events table. The payload is text so that it is returned
// byte for byte as recorded.
type eventRow struct {
	ID      int64 `gorm:"primaryKey"`
	At      time.Time
	Actor   string
	Kind    string
	Payload string
}

// TableName tells gorm the table's name.
func (eventRow) TableName() string { return "audit_events" }

// eventFromDomain maps an event to a row.
func eventFromDomain(e *elections.Event) eventRow {
	return eventRow{ID: e.ID, At: storedTime(e.At), Actor: e.Actor, Kind: e.Kind, Payload: string(e.Payload)}
}

// toDomain maps a row to an event.
func (r eventRow) toDomain() elections.Event {
	return elections.Event{ID: r.ID, At: r.At.UTC(), Actor: r.Actor, Kind: r.Kind, Payload: json.RawMessage(r.Payload)}
}

// AppendEvent records an event in the audit trail and sets its ID (and its At to the stored
// precision).
func (s *Store) AppendEvent(ctx context.Context, e *elections.Event) error {
	row := eventFromDomain(e)
	row.ID = 0 // the database assigns it
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("sqlstore: append event: %w", err)
	}
	*e = row.toDomain()
	return nil
}

// ListEvents returns audit events in the order they were recorded (by ID), at most f.Limit of
// them when it is positive. An unstorable kind matches nothing.
func (s *Store) ListEvents(ctx context.Context, f elections.EventFilter) ([]elections.Event, error) {
	if unstorable(f.Kind) {
		return []elections.Event{}, nil
	}
	q := s.db.WithContext(ctx).Where("id > ?", f.AfterID)
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var rows []eventRow
	if err := q.Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("sqlstore: list events: %w", err)
	}
	events := make([]elections.Event, len(rows))
	for i, r := range rows {
		events[i] = r.toDomain()
	}
	return events, nil
}

// AppendEvents records events in the order given, batchSize to a statement, and sets their
// IDs (and their At to the stored precision). Outside a transaction the batches are written
// in one.
func (s *Store) AppendEvents(ctx context.Context, es []*elections.Event) error {
	if len(es) == 0 {
		return nil
	}
	rows := make([]eventRow, len(es))
	for i, e := range es {
		rows[i] = eventFromDomain(e)
		rows[i].ID = 0 // the database assigns it
	}
	if err := s.db.WithContext(ctx).CreateInBatches(&rows, batchSize).Error; err != nil {
		return fmt.Errorf("sqlstore: append events: %w", err)
	}
	for i, e := range es {
		*e = rows[i].toDomain()
	}
	return nil
}
