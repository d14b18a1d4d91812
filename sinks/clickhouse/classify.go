package clickhouse

import (
	"errors"
	"fmt"

	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
)

// permanentCodes are the ClickHouse server error codes that mean the rows
// themselves are wrong: the same block is refused however often it is
// sent. Everything else (network, timeouts, TOO_MANY_PARTS,
// MEMORY_LIMIT_EXCEEDED, a read-only table, even an unknown table or
// column, which a migration fixes) is retried.
var permanentCodes = map[int32]string{
	6:   "CANNOT_PARSE_TEXT",
	27:  "CANNOT_PARSE_INPUT_ASSERTION_FAILED",
	38:  "CANNOT_PARSE_DATE",
	41:  "CANNOT_PARSE_DATETIME",
	53:  "TYPE_MISMATCH",
	69:  "ARGUMENT_OUT_OF_BOUND",
	70:  "CANNOT_CONVERT_TYPE",
	72:  "CANNOT_PARSE_NUMBER",
	117: "INCORRECT_DATA",
	131: "TOO_LARGE_STRING_SIZE",
	321: "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE",
	407: "DECIMAL_OVERFLOW",
	469: "VIOLATED_CONSTRAINT",
}

// permanent reports whether err is a server exception about the data of
// the block (see permanentCodes): retrying the same rows cannot succeed.
func permanent(err error) bool {
	var ex *proto.Exception
	if !errors.As(err, &ex) {
		return false
	}
	_, ok := permanentCodes[ex.Code]
	return ok
}

// serverMessage is the server's message of err, without the stack trace,
// for dead letters.
func serverMessage(err error) string {
	var ex *proto.Exception
	if errors.As(err, &ex) {
		return fmt.Sprintf("%s (%d): %s", permanentCodes[ex.Code], ex.Code, ex.Message)
	}
	return err.Error()
}
