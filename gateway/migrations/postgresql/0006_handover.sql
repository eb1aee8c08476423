-- Live hand-over to hotline staff: the queue, each conversation's transcript, canned replies and
-- the producers' runs of refused questions (two in a row start a hand-over).
CREATE TABLE handovers (
    id BIGSERIAL PRIMARY KEY,
    sender TEXT NOT NULL,
    channel TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT NOT NULL,
    question TEXT NOT NULL,
    assignee TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at DOUBLE PRECISION NOT NULL,
    first_reply_at DOUBLE PRECISION,
    last_in_at DOUBLE PRECISION NOT NULL,
    last_activity DOUBLE PRECISION NOT NULL,
    closed_at DOUBLE PRECISION,
    closed_how TEXT,
    updated_at DOUBLE PRECISION NOT NULL
);
CREATE UNIQUE INDEX handovers_one_active ON handovers (sender) WHERE state <> 'closed';
CREATE INDEX handovers_state ON handovers (state, created_at);
CREATE TABLE handover_messages (
    id BIGSERIAL PRIMARY KEY,
    handover_id BIGINT NOT NULL REFERENCES handovers (id) ON DELETE CASCADE,
    at DOUBLE PRECISION NOT NULL,
    direction TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    delivery TEXT NOT NULL DEFAULT ''
);
CREATE INDEX handover_messages_handover ON handover_messages (handover_id, id);
CREATE TABLE canned_replies (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE refusal_streaks (sender TEXT PRIMARY KEY, count INTEGER NOT NULL, at DOUBLE PRECISION NOT NULL);
INSERT INTO canned_replies (title, text) VALUES
    ('Chào hỏi', 'Chào anh/chị, tôi là cán bộ tư vấn OCOP. Tôi đã đọc câu hỏi của anh/chị và xin trả lời như sau:'),
    ('Cần thêm thông tin', 'Anh/chị cho tôi biết thêm tên sản phẩm, địa phương (xã, huyện, tỉnh) và chủ thể sản xuất (hợp tác xã, doanh nghiệp hay hộ kinh doanh) để tôi tư vấn chính xác hơn.'),
    ('Hẹn trả lời sau', 'Câu hỏi này tôi cần kiểm tra thêm với phòng chuyên môn. Tôi sẽ trả lời anh/chị ngay trong cuộc trò chuyện này khi có kết quả.'),
    ('Liên hệ địa phương', 'Việc này do cơ quan thường trực OCOP cấp huyện nơi anh/chị sản xuất hướng dẫn trực tiếp; anh/chị vui lòng liên hệ Phòng Nông nghiệp (hoặc Phòng Kinh tế) của huyện.'),
    ('Kết thúc', 'Cảm ơn anh/chị đã liên hệ. Nếu còn câu hỏi khác, anh/chị cứ nhắn tại đây, trợ lý tự động sẽ tiếp tục hỗ trợ.');
