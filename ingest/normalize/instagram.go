package normalize

// Instagram Messaging webhooks (Instagram API with Instagram Login and
// Messenger API for Instagram): {"object":"instagram","entry":[{"id":IG
// account,"time":ms,"messaging":[...]}]}. The messaging items share
// Messenger's shape and handlers (messenger.go, meta.go); what only
// Instagram sends is handled there by field:
//
//   - message.is_deleted (the customer unsent a message) and
//     message.is_self (a test message to the account itself) are ignored;
//   - message.is_unsupported is a customer_message of content type
//     "unsupported";
//   - read{mid} (messaging_seen) names the seen message, where Messenger's
//     read{watermark} covers everything up to a time;
//   - there is no delivery event;
//   - entry[].changes[] (comments, live_comments, mentions) are ignored
//     per field as "instagram:field:<field>".
//
// Echoes (is_echo) are business messages; when their app_id is the Page
// Inbox app, a person typed them.
